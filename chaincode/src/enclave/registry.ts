// The enclave registry on the ledger (`enclave/<id>`): an enclave's evidence, verified by every
// endorsing enclave against the ledger's policy at the transaction time before it is written, so
// all endorsements agree. Records are plain JSON: identities, public keys, evidence — public by design.
import type { EnclaveEvidence, RegistryRecord } from '../protocol/confidential/api';
import { fromB64, parseJsonObject, toHex } from '../protocol/confidential/encoding';
import { enclaveIdOf } from '../protocol/confidential/key-record';
import { KEY_BYTES } from '../protocol/confidential/primitives';
import {
  verifyEvidence,
  type AcceptedEvidence,
  type AttestationPolicy,
  type EnclaveBinding,
} from '../protocol/attestation';
import { EcarError } from '../protocol/errors';
import { readRecord, setEvent, writeRecord, type EnclaveTx, type RawState } from './ledger-state';

export const REGISTRY_PREFIX = 'enclave/';
export const registryKey = (id: string): string => `${REGISTRY_PREFIX}${id}`;

const EVIDENCE_FIELDS = [
  'v',
  'provider',
  'mspId',
  'channel',
  'chaincode',
  'boxPublicKey',
  'signingPublicKey',
  'quote',
  'collateral',
];
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,248}$/;

/**
 * Parses evidence JSON text strictly (known fields only, sizes bounded).
 *
 * @throws EcarError ATTESTATION_FORMAT_INVALID naming the field.
 */
export function parseEnclaveEvidence(input: unknown): EnclaveEvidence {
  const fail = (why: string): never => {
    throw new EcarError('ATTESTATION_FORMAT_INVALID', `enclave evidence: ${why}`);
  };
  if (typeof input !== 'string' || input.length > 1_000_000) return fail('must be JSON text under 1 MB');
  const r = parseJsonObject(input, 'enclave evidence', 'ATTESTATION_FORMAT_INVALID');
  for (const key of Object.keys(r)) if (!EVIDENCE_FIELDS.includes(key)) fail(`unknown field '${key}'`);
  if (r.v !== 1) fail('unsupported version');
  if (r.provider !== 'simulated' && r.provider !== 'gramine') {
    fail(`unknown provider '${String(r.provider)}' (known: simulated, gramine)`);
  }
  for (const field of ['mspId', 'channel', 'chaincode'] as const) {
    const value = r[field];
    if (typeof value !== 'string' || !NAME_PATTERN.test(value)) fail(`${field} is missing or malformed`);
  }
  fromB64(r.boxPublicKey, 'boxPublicKey', 'ATTESTATION_FORMAT_INVALID', KEY_BYTES);
  fromB64(r.signingPublicKey, 'signingPublicKey', 'ATTESTATION_FORMAT_INVALID', KEY_BYTES);
  fromB64(r.quote, 'quote', 'ATTESTATION_FORMAT_INVALID');
  if (typeof r.collateral !== 'string') fail('collateral must be JSON text');
  return r as unknown as EnclaveEvidence;
}

/** What the evidence's report_data must bind. */
export function bindingOf(evidence: EnclaveEvidence): EnclaveBinding {
  return {
    boxPub: fromB64(evidence.boxPublicKey, 'boxPublicKey', 'ATTESTATION_FORMAT_INVALID', KEY_BYTES),
    signPub: fromB64(evidence.signingPublicKey, 'signingPublicKey', 'ATTESTATION_FORMAT_INVALID', KEY_BYTES),
    channel: evidence.channel,
    chaincode: evidence.chaincode,
    mspId: evidence.mspId,
  };
}

/**
 * Verifies evidence against the policy at `at` (the transaction time): Intel's checks, the policy,
 * the report_data binding, and that the provider named matches the root the quote chains to.
 *
 * @throws EcarError ATTESTATION_* from verification or the policy.
 */
export function verifyEnclaveEvidence(
  evidence: EnclaveEvidence,
  policy: AttestationPolicy,
  at: Date,
): AcceptedEvidence {
  const accepted = verifyEvidence(
    fromB64(evidence.quote, 'quote', 'ATTESTATION_FORMAT_INVALID'),
    evidence.collateral,
    policy,
    { at, binding: bindingOf(evidence) },
  );
  if (accepted.verified.trustAnchor.simulated !== (evidence.provider === 'simulated')) {
    throw new EcarError(
      'ATTESTATION_POLICY_REJECTED',
      `evidence of provider '${evidence.provider}' chains to ${accepted.verified.trustAnchor.name}`,
      { rule: 'provider' },
    );
  }
  return accepted;
}

/**
 * registerEnclave: verifies the evidence (clock = transaction time) and writes `enclave/<id>`.
 * Re-registering the same enclave refreshes its evidence.
 *
 * @throws EcarError ATTESTATION_FORMAT_INVALID, ATTESTATION_POLICY_REJECTED (other channel or
 *   chaincode, other org), any ATTESTATION_* of the verification, NOT_INITIALIZED without a policy.
 */
export async function registerEnclave(
  tx: EnclaveTx,
  evidenceJson: unknown,
  expected: Readonly<{ chaincode: string; policy: AttestationPolicy }>,
): Promise<RegistryRecord> {
  const evidence = parseEnclaveEvidence(evidenceJson);
  if (evidence.channel !== tx.channel || evidence.chaincode !== expected.chaincode) {
    throw new EcarError(
      'ATTESTATION_POLICY_REJECTED',
      `the enclave serves ${evidence.channel}/${evidence.chaincode}, this is ${tx.channel}/${expected.chaincode}`,
      { rule: 'deployment' },
    );
  }
  if (evidence.mspId !== tx.submitter.mspId) {
    throw new EcarError(
      'ATTESTATION_POLICY_REJECTED',
      `an org registers only its own enclaves: the evidence is for ${evidence.mspId}, the submitter is of ${tx.submitter.mspId}`,
      { rule: 'org' },
    );
  }
  const { verified } = verifyEnclaveEvidence(evidence, expected.policy, new Date(tx.clock.nowMs));
  const id = enclaveIdOf(bindingOf(evidence).signPub);
  const record: RegistryRecord = {
    v: 1,
    provider: evidence.provider,
    mspId: evidence.mspId,
    channel: evidence.channel,
    chaincode: evidence.chaincode,
    boxPublicKey: evidence.boxPublicKey,
    signingPublicKey: evidence.signingPublicKey,
    quote: evidence.quote,
    collateral: evidence.collateral,
    id,
    measurement: toHex(verified.measurement),
    ...(verified.mrSigner === undefined ? {} : { mrSigner: toHex(verified.mrSigner) }),
    tcbStatus: verified.tcbStatus,
    advisoryIds: [...verified.advisoryIds],
    simulated: verified.trustAnchor.simulated,
    registeredAt: tx.clock.nowMs,
    txId: tx.clock.txId,
  };
  await writeRecord(tx.state, registryKey(id), record);
  setEvent(tx, 'EnclaveRegistered', { enclave: id, mspId: record.mspId });
  return record;
}

export async function readRegistryRecord(state: RawState, id: string): Promise<RegistryRecord | undefined> {
  return (await readRecord(state, registryKey(id))) as RegistryRecord | undefined;
}

export async function listEnclaves(state: RawState): Promise<RegistryRecord[]> {
  const entries = await state.range(REGISTRY_PREFIX);
  return entries.map(
    (entry) =>
      parseJsonObject(
        Buffer.from(entry.value).toString('utf8'),
        'registry record',
        'INTERNAL',
      ) as unknown as RegistryRecord,
  );
}

/** MSP ids with at least one registered enclave, sorted. */
export async function registeredOrgs(state: RawState): Promise<string[]> {
  return [...new Set((await listEnclaves(state)).map((record) => record.mspId))].sort();
}

/** Whether a registry record still passes the policy at `at` (its collateral may have expired). */
export function stillAttested(record: RegistryRecord, policy: AttestationPolicy, at: Date): boolean {
  try {
    verifyEnclaveEvidence(record, policy, at);
    return true;
  } catch (error) {
    if (error instanceof EcarError) return false;
    throw error;
  }
}

/** The box public key of a registered enclave. */
export function boxKeyOf(record: RegistryRecord): Uint8Array {
  return fromB64(record.boxPublicKey, 'registered box key', 'KEYS_UNAVAILABLE', KEY_BYTES);
}
