// The confidential entry point (DESIGN section 5): opens a request envelope with the current
// epoch's chaincode key, checks its binding, freshness and nonce, runs the domain transaction as the
// wallet over sealed state, and answers sealed to the client with a receipt. Deterministic, so every
// endorsing enclave returns byte-identical responses and write sets. Nothing here logs.
import { walletCallerId } from '../protocol/confidential/api';
import { dispatch, type TransactionKind } from '../domain/transactions';
import { CollectingEventSink } from '../fabric/fabric-events';
import type { JsonValue, MeterVerifier, Ports } from '../ports';
import {
  checkRequestBinding,
  openRequest,
  parseEnvelope,
  sealResponse,
  type ResponsePayload,
} from '../protocol/confidential/envelope';
import { EcarError } from '../protocol/errors';
import { hashingEventSink } from './confidential-events';
import { isGenesisOperator } from './genesis';
import type { KeyManager } from './key-manager';
import type { EnclaveTx } from './ledger-state';
import { guardNonce } from './nonce-guard';
import { SealedStateStore } from './sealed-store';

/** Caller ids of confidential mode: the wallet's Ed25519 public key. */

export interface EntryPointDependencies {
  readonly keys: KeyManager;
  /** ECAR_CHAINCODE: requests must be bound to it. */
  readonly chaincode: string;
  readonly meter: MeterVerifier;
}

/**
 * Runs one confidential request and returns the sealed response text.
 *
 * @throws EcarError ENVELOPE_INVALID (envelope, signature, binding, freshness), KEYS_UNAVAILABLE,
 *   REPLAY before the request runs; EcarError CONFIDENTIAL_ERROR whose reason is a sealed error
 *   response when the domain refused it (so nothing is written and only the client can read why).
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
  if (envelope.epoch !== epoch) {
    throw new EcarError(
      'ENVELOPE_INVALID',
      `request is for key epoch ${envelope.epoch}; the current epoch is ${epoch}`,
    );
  }
  const bundle = await deps.keys.bundleFor(tx.state, epoch);
  const secrets = bundle.epochs.get(epoch);
  if (secrets === undefined) throw new EcarError('KEYS_UNAVAILABLE', `no keys of epoch ${epoch}`);
  const { body, walletPublicKey, sharedKey } = openRequest(envelope, secrets.boxSecretKey);
  checkRequestBinding(body, {
    channel: tx.channel,
    chaincode: deps.chaincode,
    epoch,
    nowMs: tx.clock.nowMs,
  });

  const store = new SealedStateStore(tx.state, { bundle, epoch, txId: tx.clock.txId });
  await guardNonce(store, {
    walletPublicKey,
    nonce: body.nonce,
    notAfter: body.notAfter,
    txId: tx.clock.txId,
  });

  const seal = (payload: ResponsePayload): string =>
    sealResponse(payload, {
      sharedKey,
      envelopeText: envelope.text,
      txId: tx.clock.txId,
      epoch,
      receiptSeed: secrets.receiptSeed,
    });
  const events = new CollectingEventSink();
  const ports: Ports = {
    store,
    caller: { id: walletCallerId(walletPublicKey) },
    clock: tx.clock,
    events: hashingEventSink(events),
    meter: deps.meter,
    genesis: { isOperator: (callerId) => isGenesisOperator(tx.state, callerId) },
  };
  let result: JsonValue;
  try {
    result = await dispatch(ports, body.fn, body.args, kind);
  } catch (error) {
    const refusal =
      error instanceof EcarError ? error : new EcarError('INTERNAL', 'the transaction failed unexpectedly');
    throw new EcarError(
      'CONFIDENTIAL_ERROR',
      seal({ ok: false, code: refusal.code, message: refusal.reason }),
    );
  }
  if (kind === 'submit') events.flush(tx.events);
  return seal({ ok: true, result });
}
