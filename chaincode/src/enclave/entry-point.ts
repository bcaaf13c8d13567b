// The confidential entry point (DESIGN section 5): opens a request envelope with the epoch's
// chaincode key, checks its binding (channel, chaincode, epoch, submitter), freshness and nonce, runs
// the domain transaction as the wallet over sealed state, and answers sealed to the client with a
// receipt (the answer carries a digest of the state it read). Every refusal after the envelope
// opened is sealed and signed too, so the client can tell an enclave's word from a peer's.
// Deterministic, so every endorsing enclave returns byte-identical responses and write sets.
// Nothing here logs.
import { walletCallerId } from '../protocol/confidential/api';
import { dispatch, type TransactionKind } from '../domain/transactions';
import type { JsonValue, MeterVerifier, Ports } from '../ports';
import {
  checkRequestBinding,
  openRequest,
  parseEnvelope,
  sealResponse,
  type ParsedEnvelope,
  type ResponsePayload,
} from '../protocol/confidential/envelope';
import type { KeyBundle } from '../protocol/confidential/key-record';
import { EcarError } from '../protocol/errors';
import { eventViewKey } from '../protocol/confidential/event-tags';
import { TaggingEventSink } from './confidential-events';
import { isGenesisOperator } from './genesis';
import type { KeyManager } from './key-manager';
import type { EnclaveTx } from './ledger-state';
import { guardNonce } from './nonce-guard';
import { ReadSetRecorder } from './read-set';
import { SealedStateStore } from './sealed-store';

export interface EntryPointDependencies {
  readonly keys: KeyManager;
  /** ECAR_CHAINCODE: requests must be bound to it. */
  readonly chaincode: string;
  readonly meter: MeterVerifier;
}

/**
 * Runs one confidential request and returns the sealed response text. `tx.clock` must be the
 * trusted clock (EnclaveRuntime.trustedClock), its skew the domain's deadline margin.
 *
 * @throws EcarError ENVELOPE_INVALID or KEYS_UNAVAILABLE when the envelope cannot be opened here
 *   (plain: nothing can be sealed to a request that does not open); EcarError CONFIDENTIAL_ERROR
 *   whose reason is a sealed, signed refusal for everything after that: a binding, freshness or
 *   submitter mismatch, a replayed nonce (REPLAY, naming the transaction that used it), a request
 *   sealed to a retired epoch (ENVELOPE_INVALID with `currentEpoch`, signed with that epoch's key),
 *   or the domain's own refusal. Nothing is written then.
 */
export async function runConfidential(
  tx: EnclaveTx,
  kind: TransactionKind,
  envelopeText: unknown,
  deps: EntryPointDependencies,
): Promise<string> {
  const envelope = parseEnvelope(envelopeText);
  const epoch = await deps.keys.currentEpoch(tx.state);
  if (epoch === 0) throw new EcarError('KEYS_UNAVAILABLE', 'no chaincode keys are published yet');
  if (envelope.epoch > epoch) {
    throw new EcarError(
      'ENVELOPE_INVALID',
      `request is for key epoch ${envelope.epoch}; the current epoch is ${epoch}`,
    );
  }
  const bundle = await deps.keys.bundleFor(tx.state, epoch);
  const opened = openWith(bundle, envelope);
  if (envelope.epoch !== epoch) {
    // the client sealed to a retired epoch: tell it so under that epoch's receipt key, which it trusts
    throw opened.refuse(
      new EcarError(
        'ENVELOPE_INVALID',
        `request is for key epoch ${envelope.epoch}; the current epoch is ${epoch}`,
        { currentEpoch: epoch },
      ),
      tx.clock.txId,
    );
  }
  try {
    const { body, walletPublicKey } = opened.request;
    checkRequestBinding(body, {
      channel: tx.channel,
      chaincode: deps.chaincode,
      epoch,
      nowMs: tx.clock.nowMs,
      submitter: { mspId: tx.submitter.mspId, certHash: tx.submitter.certHash },
    });
    // what the call reads through the store and the genesis check goes into the answer's read-set digest
    const reads = new ReadSetRecorder(tx.state);
    const store = new SealedStateStore(reads, { bundle, epoch, txId: tx.clock.txId });
    await guardNonce(store, {
      walletPublicKey,
      nonce: body.nonce,
      notAfter: body.notAfter,
      txId: tx.clock.txId,
    });
    const events = new TaggingEventSink(eventViewKey(bundle.nameKey));
    const ports: Ports = {
      store,
      caller: { id: walletCallerId(walletPublicKey) },
      clock: tx.clock,
      events,
      meter: deps.meter,
      genesis: { isOperator: (callerId) => isGenesisOperator(reads, callerId) },
    };
    const result: JsonValue = await dispatch(ports, body.fn, body.args, kind);
    if (kind === 'submit') events.flush(tx.events, tx.clock.txId);
    return opened.seal({ ok: true, result, readSet: reads.digest() }, tx.clock.txId);
  } catch (error) {
    const refusal =
      error instanceof EcarError ? error : new EcarError('INTERNAL', 'the transaction failed unexpectedly');
    throw opened.refuse(refusal, tx.clock.txId);
  }
}

interface OpenedEnvelope {
  readonly request: ReturnType<typeof openRequest>;
  seal(payload: ResponsePayload, txId: string): string;
  refuse(refusal: EcarError, txId: string): EcarError;
}

/** Opens the envelope with the keys of the epoch it names; answers go out under that epoch's keys. */
function openWith(bundle: KeyBundle, envelope: ParsedEnvelope): OpenedEnvelope {
  const secrets = bundle.epochs.get(envelope.epoch);
  if (secrets === undefined) throw new EcarError('KEYS_UNAVAILABLE', `no keys of epoch ${envelope.epoch}`);
  const request = openRequest(envelope, secrets.boxSecretKey);
  const seal = (payload: ResponsePayload, txId: string): string =>
    sealResponse(payload, {
      sharedKey: request.sharedKey,
      envelopeText: envelope.text,
      txId,
      epoch: envelope.epoch,
      receiptSeed: secrets.receiptSeed,
    });
  return {
    request,
    seal,
    refuse: (refusal, txId) =>
      new EcarError(
        'CONFIDENTIAL_ERROR',
        seal({ ok: false, code: refusal.code, message: refusal.reason, details: refusal.details }, txId),
      ),
  };
}
