// Waits for one chaincode event, then closes the event stream cleanly. fabric-gateway's iterator has
// no return(), so leaving a for-await loop does not end the gRPC stream; closing it cancels the call,
// and that cancellation must reach a pending next() rather than surface as an unhandled stream error.
import type { ChaincodeEvent, CloseableAsyncIterable, Network } from '@hyperledger/fabric-gateway';

export async function waitForChaincodeEvent(
  network: Network,
  chaincode: string,
  options: Readonly<{ startBlock: bigint; match: (event: ChaincodeEvent) => boolean; timeoutMs: number }>,
): Promise<ChaincodeEvent> {
  const events: CloseableAsyncIterable<ChaincodeEvent> = await network.getChaincodeEvents(chaincode, {
    startBlock: options.startBlock,
  });
  const iterator = events[Symbol.asyncIterator]();
  const deadline = { passed: false };
  const timer = setTimeout(() => {
    deadline.passed = true;
    events.close();
  }, options.timeoutMs);
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) throw new Error('the chaincode event stream ended');
      if (options.match(next.value)) {
        const pending = iterator.next().catch(() => undefined);
        events.close();
        await pending;
        return next.value;
      }
    }
  } catch (error) {
    if (deadline.passed) throw new Error(`no matching chaincode event within ${options.timeoutMs / 1000}s`);
    events.close();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
