// Proof of life: one transaction endorsed by both orgs, committed, read back, its event received.
import { randomUUID } from 'node:crypto';
import type { Gateway } from '@hyperledger/fabric-gateway';
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
  const events = await network.getChaincodeEvents(options.chaincode);
  try {
    const started = performance.now();
    const submitted = await contract.submitAsync('record', { arguments: [id] });
    const status = await submitted.getStatus();
    const submitToCommitMs = Math.round(performance.now() - started);
    if (!status.successful)
      throw new Error(`heartbeat transaction ${status.transactionId} failed: code ${status.code}`);
    const event = await nextEventFor(events, status.transactionId, 30_000);
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
      event,
      submitToCommitMs,
    };
  } finally {
    events.close();
  }
}

async function nextEventFor(
  events: AsyncIterable<{ eventName: string; transactionId: string; blockNumber: bigint }>,
  txId: string,
  timeoutMs: number,
): Promise<HeartbeatProof['event']> {
  const timeout = new Promise<never>((_, reject) => {
    setTimeout(() => {
      reject(new Error(`no chaincode event for ${txId} within ${timeoutMs / 1000}s`));
    }, timeoutMs).unref();
  });
  const found = (async () => {
    for await (const event of events) {
      if (event.transactionId === txId) {
        return {
          name: event.eventName,
          txId: event.transactionId,
          blockNumber: event.blockNumber.toString(),
        };
      }
    }
    throw new Error('chaincode event stream ended');
  })();
  return Promise.race([found, timeout]);
}
