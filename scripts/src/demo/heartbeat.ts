// Proof of life: one transaction endorsed by both orgs, committed, read back, its event received.
import { randomUUID } from 'node:crypto';
import type { Gateway } from '@hyperledger/fabric-gateway';
import { waitForChaincodeEvent } from '../../../client/src/fabric/chaincode-events';
import { inspectTransaction } from '../../../client/src/fabric/transaction-inspector';

export interface HeartbeatProof {
  readonly id: string;
  readonly txId: string;
  readonly blockNumber: string;
  readonly validation: string;
  readonly endorsers: readonly string[];
  readonly readBack: { readonly id: string; readonly submitter: string; readonly txId: string };
  readonly event: { readonly name: string; readonly txId: string; readonly blockNumber: string };
  readonly submitToCommitMs: number;
}

const decoder = new TextDecoder();

export async function proveHeartbeat(
  gateway: Gateway,
  options: Readonly<{ channel: string; chaincode: string; id?: string }>,
): Promise<HeartbeatProof> {
  const network = gateway.getNetwork(options.channel);
  const contract = network.getContract(options.chaincode, 'heartbeat');
  const id = options.id ?? `hb-${randomUUID()}`;
  const started = performance.now();
  const submitted = await contract.submitAsync('record', { arguments: [id] });
  const status = await submitted.getStatus();
  const submitToCommitMs = Math.round(performance.now() - started);
  if (!status.successful) {
    throw new Error(`heartbeat transaction ${status.transactionId} failed: code ${status.code}`);
  }
  // replay events from the committed block: no stream is left open across the submit
  const event = await waitForChaincodeEvent(network, options.chaincode, {
    startBlock: status.blockNumber,
    match: (e) => e.transactionId === status.transactionId,
    timeoutMs: 30_000,
  });
  const readBack = JSON.parse(
    decoder.decode(await contract.evaluateTransaction('read', id)),
  ) as HeartbeatProof['readBack'];
  const committed = await inspectTransaction(network, status.transactionId);
  return {
    id,
    txId: status.transactionId,
    blockNumber: status.blockNumber.toString(),
    validation: committed.validation,
    endorsers: committed.endorsers,
    readBack,
    event: { name: event.eventName, txId: event.transactionId, blockNumber: event.blockNumber.toString() },
    submitToCommitMs,
  };
}
