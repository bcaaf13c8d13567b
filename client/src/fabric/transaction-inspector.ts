// Reads a committed transaction back from the ledger (qscc) and reports who endorsed it and
// whether the committing peers found it valid: evidence, not an assumption, of multi-org endorsement.
import type { Network } from '@hyperledger/fabric-gateway';
import { common, msp, peer } from '@hyperledger/fabric-protos';

export interface CommittedTransaction {
  readonly txId: string;
  /** Validation code name as the committing peer recorded it, e.g. "VALID". */
  readonly validation: string;
  /** MSP ids of the peers whose endorsements the transaction carries. */
  readonly endorsers: readonly string[];
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
  const endorsers = transaction.getActionsList().flatMap((action) => {
    const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
    const endorsed = actionPayload.getAction();
    return (endorsed?.getEndorsementsList() ?? []).map((e) =>
      msp.SerializedIdentity.deserializeBinary(e.getEndorser_asU8()).getMspid(),
    );
  });
  return {
    txId,
    validation: validationNames.get(processed.getValidationcode()) ?? String(processed.getValidationcode()),
    endorsers: [...new Set(endorsers)].sort(),
  };
}
