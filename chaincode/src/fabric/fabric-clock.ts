// The domain's Clock port from the transaction header: timestamp and id, identical on every endorser.
import type { Clock } from '../ports';
import { EcarError } from '../protocol/errors';

/** The parts of the chaincode stub the clock reads (seconds is a Long on the real stub). */
export interface TxHeaderSource {
  getTxID(): string;
  getTxTimestamp(): { readonly seconds: { toString(): string }; readonly nanos: number };
}

/** Epoch milliseconds of the transaction timestamp (set by the client, checked by the peer). */
export function clockFromStub(stub: TxHeaderSource): Clock {
  const timestamp = stub.getTxTimestamp();
  const seconds = Number(timestamp.seconds.toString());
  const nowMs = seconds * 1000 + Math.floor(timestamp.nanos / 1_000_000);
  if (!Number.isSafeInteger(nowMs) || nowMs < 0) {
    throw new EcarError('INVALID_ARGUMENT', 'the transaction timestamp is not a usable time');
  }
  return { nowMs, txId: stub.getTxID() };
}
