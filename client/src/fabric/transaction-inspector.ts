// Reads a committed transaction back from the ledger (qscc) and reports what any peer operator can
// see of it: who endorsed it, its validation code, the call's arguments, the keys it read and wrote
// with their values, its event and its response. Evidence, not an assumption, of multi-org
// endorsement and of what the ledger holds in clear.
import type { Network } from '@hyperledger/fabric-gateway';
import { common, ledger, msp, peer } from '@hyperledger/fabric-protos';

export interface WrittenKey {
  readonly namespace: string;
  readonly key: string;
  readonly value: Uint8Array;
  readonly isDelete: boolean;
}

export interface CommittedTransaction {
  readonly txId: string;
  /** Validation code name as the committing peer recorded it, e.g. "VALID". */
  readonly validation: string;
  /** MSP ids of the peers whose endorsements the transaction carries. */
  readonly endorsers: readonly string[];
  /** The invocation's arguments as stored (function name first). */
  readonly args: readonly Uint8Array[];
  readonly reads: number;
  readonly rangeReads: number;
  readonly writes: readonly WrittenKey[];
  readonly eventName?: string;
  readonly eventPayload?: Uint8Array;
  /** The chaincode response payload stored in the transaction. */
  readonly response: Uint8Array;
}

const validationNames = new Map<number, string>(
  Object.entries(peer.TxValidationCode).map(([name, code]) => [code, name]),
);

export async function inspectTransaction(network: Network, txId: string): Promise<CommittedTransaction> {
  const qscc = network.getContract('qscc');
  const bytes = await qscc.evaluateTransaction('GetTransactionByID', network.getName(), txId);
  const processed = peer.ProcessedTransaction.deserializeBinary(bytes);
  const envelope = processed.getTransactionenvelope();
  if (!envelope) throw new Error(`transaction ${txId} has no envelope`);
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
  const endorsers = new Set<string>();
  const args: Uint8Array[] = [];
  const writes: WrittenKey[] = [];
  let reads = 0;
  let rangeReads = 0;
  let eventName: string | undefined;
  let eventPayload: Uint8Array | undefined;
  let response: Uint8Array = new Uint8Array();
  for (const action of transaction.getActionsList()) {
    const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
    const proposal = peer.ChaincodeProposalPayload.deserializeBinary(
      actionPayload.getChaincodeProposalPayload_asU8(),
    );
    const invocation = peer.ChaincodeInvocationSpec.deserializeBinary(proposal.getInput_asU8());
    args.push(...(invocation.getChaincodeSpec()?.getInput()?.getArgsList_asU8() ?? []));
    const endorsed = actionPayload.getAction();
    for (const e of endorsed?.getEndorsementsList() ?? []) {
      endorsers.add(msp.SerializedIdentity.deserializeBinary(e.getEndorser_asU8()).getMspid());
    }
    if (!endorsed) continue;
    const responsePayload = peer.ProposalResponsePayload.deserializeBinary(
      endorsed.getProposalResponsePayload_asU8(),
    );
    const chaincodeAction = peer.ChaincodeAction.deserializeBinary(responsePayload.getExtension_asU8());
    response = chaincodeAction.getResponse()?.getPayload_asU8() ?? response;
    const event = chaincodeAction.getEvents_asU8();
    if (event.length > 0) {
      const decoded = peer.ChaincodeEvent.deserializeBinary(event);
      eventName = decoded.getEventName();
      eventPayload = decoded.getPayload_asU8();
    }
    const rwset = ledger.rwset.TxReadWriteSet.deserializeBinary(chaincodeAction.getResults_asU8());
    for (const ns of rwset.getNsRwsetList()) {
      const kv = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8());
      reads += kv.getReadsList().length;
      rangeReads += kv.getRangeQueriesInfoList().length;
      for (const w of kv.getWritesList()) {
        writes.push({
          namespace: ns.getNamespace(),
          key: w.getKey(),
          value: w.getValue_asU8(),
          isDelete: w.getIsDelete(),
        });
      }
    }
  }
  return {
    txId,
    validation: validationNames.get(processed.getValidationcode()) ?? String(processed.getValidationcode()),
    endorsers: [...endorsers].sort(),
    args,
    reads,
    rangeReads,
    writes,
    ...(eventName === undefined ? {} : { eventName, eventPayload }),
    response,
  };
}
