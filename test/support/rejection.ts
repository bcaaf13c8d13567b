// The one error-capture helper of the tests: what a call failed with, failing the test (with what it
// answered instead) when it did not fail, and naming the error it got when it was not the one expected.
import { expect } from 'chai';
import { EcarError, type ErrorCode } from '../../chaincode/src/protocol/errors';

/** The error `call` (a promise, or a function giving one) rejected with; the test fails if it resolved. */
export async function rejectionOf(call: Promise<unknown> | (() => Promise<unknown>)): Promise<unknown> {
  const promise = typeof call === 'function' ? call() : call;
  return promise.then(
    (answer: unknown) => expect.fail(`expected a failure, but it answered ${shown(answer)}`),
    (error: unknown) => error,
  );
}

/**
 * The EcarError `call` rejected with, optionally checked to have `code`; anything else fails the
 * test, showing what the error was.
 */
export async function ecarRejection(
  call: Promise<unknown> | (() => Promise<unknown>),
  code?: ErrorCode,
): Promise<EcarError> {
  const error = await rejectionOf(call);
  if (!(error instanceof EcarError)) expect.fail(`expected an EcarError, got ${shown(error)}`);
  if (code !== undefined) expect(error.code, error.message).to.equal(code);
  return error;
}

function shown(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    // JSON.stringify answers undefined for undefined (and functions), whatever its declared type says
    const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) as
      string | undefined;
    return text ?? String(value);
  } catch {
    return String(value);
  }
}
