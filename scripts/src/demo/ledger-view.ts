// Describes a committed confidential transaction as a peer operator sees it: sizes of the sealed
// request and response, the endorsing orgs, and the keys and values written (pseudonymous, sealed).
import type { Network } from '@hyperledger/fabric-gateway';
import type { LedgerSubmitResult } from '../../../client/src/fabric/ledger-client';
import { inspectTransaction } from '../../../client/src/fabric/transaction-inspector';

export interface LedgerView {
  readonly endorsers: readonly string[];
  readonly requestBytes: number;
  readonly responseBytes: number;
  readonly writes: number;
  readonly sealedWrites: number;
  readonly valueBytes: readonly number[];
  readonly eventName?: string;
}

export async function viewTransaction(network: Network, txId: string): Promise<LedgerView> {
  const tx = await inspectTransaction(network, txId);
  const puts = tx.writes.filter((w) => !w.isDelete);
  return {
    endorsers: tx.endorsers,
    requestBytes: tx.args.slice(1).reduce((sum, a) => sum + a.length, 0),
    responseBytes: tx.response.length,
    writes: tx.writes.length,
    sealedWrites: tx.writes.filter((w) => w.key.startsWith('s/')).length,
    valueBytes: [...new Set(puts.map((w) => w.value.length))].sort((a, b) => a - b),
    ...(tx.eventName === undefined ? {} : { eventName: tx.eventName }),
  };
}

export function describeView(submitted: LedgerSubmitResult, view: LedgerView): string[] {
  const sizes = view.valueBytes.length === 0 ? '' : ` (value sizes ${view.valueBytes.join('/')} B)`;
  return [
    `block ${submitted.blockNumber}, tx ${submitted.transactionId.slice(0, 16)}…: endorsed by ${view.endorsers.join(' + ')} enclaves`,
    `on the ledger: ${view.requestBytes} B sealed request, ${view.responseBytes} B sealed answer, ` +
      `${view.sealedWrites}/${view.writes} writes under pseudonymous keys${sizes}` +
      (view.eventName === undefined ? '' : `, event '${view.eventName}' (keyed tags only)`),
  ];
}
