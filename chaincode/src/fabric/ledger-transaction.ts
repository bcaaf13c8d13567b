// Runs one domain transaction for the plain Fabric contract: validates the raw arguments at the
// edge, wires the ports (stub state, caller, transaction clock, collected events, real OCMF
// verifier), dispatches through the domain registry and returns the JSON result text.
import { TRANSACTION_NAME_PATTERN } from '../protocol/wire-formats';
import type { MeterVerifier } from '../ports';
import { dispatch, type TransactionKind } from '../domain/transactions';
import { EcarError } from '../protocol/errors';
import { ocmfMeterVerifier } from '../protocol/ocmf/meter-verifier';
import { callerFromIdentity, type ClientIdentityLike } from './fabric-caller';
import { clockFromStub, type TxHeaderSource } from './fabric-clock';
import { CollectingEventSink, type EventTarget } from './fabric-events';
import { StubStateStore, type StateStub } from './stub-state-store';

/** What one transaction needs from fabric-contract-api's Context. */
export interface LedgerEnvironment {
  readonly stub: StateStub & TxHeaderSource & EventTarget;
  readonly clientIdentity: ClientIdentityLike;
  /** Defaults to the real OCMF verifier; tests may inject another. */
  readonly meter?: MeterVerifier;
}

/** Generous for two 16 KiB OCMF records and a station with 8 EVSEs; bounds what a proposal can make us parse. */
export const MAX_ARGS_LENGTH = 256 * 1024;

/** The transaction name: letters and digits, 1-64 characters. */
export function parseFunctionName(fn: unknown): string {
  if (typeof fn !== 'string' || !TRANSACTION_NAME_PATTERN.test(fn)) {
    throw new EcarError('INVALID_ARGUMENT', 'fn must be a transaction name of 1-64 letters and digits', {
      field: 'fn',
    });
  }
  return fn;
}

/** The argument object as JSON text (empty text means no arguments). */
export function parseArgsJson(argsJson: unknown): unknown {
  if (typeof argsJson !== 'string') {
    throw new EcarError('INVALID_ARGUMENT', 'args must be JSON text', { field: 'args' });
  }
  if (argsJson.length > MAX_ARGS_LENGTH) {
    throw new EcarError('INVALID_ARGUMENT', `args must be at most ${MAX_ARGS_LENGTH} characters of JSON`, {
      field: 'args',
    });
  }
  if (argsJson.trim() === '') return {};
  try {
    return JSON.parse(argsJson) as unknown;
  } catch {
    throw new EcarError('INVALID_ARGUMENT', 'args is not valid JSON', { field: 'args' });
  }
}

/**
 * Runs `fn` as `kind`. Only a submit that succeeds sets its (one, combined) chaincode event. Every
 * failure leaves as an EcarError, whose message starts with the stable code and ends with its
 * details (`wireMessage`); anything else becomes INTERNAL so no internal detail or stack reaches
 * the client.
 */
export async function runLedgerTransaction(
  env: LedgerEnvironment,
  kind: TransactionKind,
  fn: unknown,
  argsJson: unknown,
): Promise<string> {
  try {
    const name = parseFunctionName(fn);
    const args = parseArgsJson(argsJson);
    const events = new CollectingEventSink();
    const result = await dispatch(
      {
        store: new StubStateStore(env.stub),
        caller: callerFromIdentity(env.clientIdentity),
        clock: clockFromStub(env.stub),
        events,
        meter: env.meter ?? ocmfMeterVerifier,
      },
      name,
      args,
      kind,
    );
    if (kind === 'submit') events.flush(env.stub);
    return JSON.stringify(result);
  } catch (error) {
    throw asLedgerError(error);
  }
}

/** The caller's own id (plain mode), for `whoami`. */
export function whoami(env: Pick<LedgerEnvironment, 'clientIdentity'>): string {
  try {
    return JSON.stringify(callerFromIdentity(env.clientIdentity));
  } catch (error) {
    throw asLedgerError(error);
  }
}

/**
 * An EcarError with its details in the message (`EcarError.onWire`), anything else as INTERNAL
 * without its message (it may hold internals).
 */
export function asLedgerError(error: unknown): EcarError {
  return error instanceof EcarError
    ? error.onWire()
    : new EcarError('INTERNAL', 'the ledger failed unexpectedly');
}
