// The chaincode keys as this enclave holds them (DESIGN section 4): created inside one enclave,
// wrapped only to enclaves whose evidence this enclave verified itself at the transaction time,
// published on the ledger, shared later only by a recorded transaction every endorsing enclave
// computes alike (deterministic wraps), imported from the wrap addressed to this enclave, vouched
// for, rotated by new epochs once a majority approved. Every step is for org admins only. The held
// bundle is sealed to disk; a bundle created here stays pending in memory until its record is on
// the ledger (its own wrap in the record lets it import after a restart too). Ledger keys:
// keys/current, keys/<epoch>, keys/<epoch>/wrap/<enclave>, keys/<epoch>/voucher/<enclave>.
import type { KeyStatus, RegistryRecord } from '../protocol/confidential/api';
import { parseJsonList, parseJsonObject, toB64 } from '../protocol/confidential/encoding';
import {
  epochPublicKeys,
  extendBundle,
  isEnclaveId,
  lineageOf,
  makeKeyRecord,
  makeVoucher,
  parseBundle,
  parseKeyRecord,
  parseKeyWrap,
  parseVoucher,
  restrictBundle,
  serializeBundle,
  signingKeyOfEnclaveId,
  unwrapBundle,
  verifyKeyRecord,
  verifyVoucher,
  wrapBundle,
  type KeyBundle,
  type KeyRecord,
  type KeyWrap,
  type Voucher,
} from '../protocol/confidential/key-record';
import { EcarError } from '../protocol/errors';
import type { EnclaveIdentity } from './identity';
import {
  readRecord,
  requireOrgAdmin,
  setEvent,
  writeRecord,
  type EnclaveTx,
  type RawState,
} from './ledger-state';
import { requireRotationApproved } from './key-rotation';
import { requirePolicy } from './policy-governance';
import { boxKeyOf, listEnclaves, readRegistryRecord, stillAttested, verifyEnclaveEvidence } from './registry';
import type { SealedFiles } from './sealing';

export const KEYS_FILE = 'keys.sealed';
const CURRENT_KEY = 'keys/current';
const recordKey = (epoch: number): string => `keys/${epoch}`;
const wrapKey = (epoch: number, enclave: string): string => `keys/${epoch}/wrap/${enclave}`;
const voucherKey = (epoch: number, enclave: string): string => `keys/${epoch}/voucher/${enclave}`;

export interface KeyManagerOptions {
  readonly identity: EnclaveIdentity;
  readonly files: SealedFiles;
  /** ECAR_CHAINCODE: key records must name it. */
  readonly chaincode: string;
}

export class KeyManager {
  readonly #identity: EnclaveIdentity;
  readonly #files: SealedFiles;
  readonly #chaincode: string;
  /** Every epoch in here was checked against its ledger record before it was adopted. */
  #held: KeyBundle | undefined;
  readonly #pending = new Map<number, KeyBundle>();

  constructor(options: KeyManagerOptions) {
    this.#identity = options.identity;
    this.#files = options.files;
    this.#chaincode = options.chaincode;
    const sealed = this.#files.read(KEYS_FILE);
    this.#held = sealed === undefined ? undefined : parseBundle(sealed);
  }

  /** The epochs this enclave holds (for status and tests; never the secrets). */
  get heldEpochs(): number[] {
    return [...(this.#held?.epochs.keys() ?? [])].sort((a, b) => a - b);
  }

  /** The ledger's current epoch; 0 before the first keys were published. */
  async currentEpoch(state: RawState): Promise<number> {
    const raw = await readRecord(state, CURRENT_KEY);
    return typeof raw?.epoch === 'number' ? raw.epoch : 0;
  }

  /**
   * The bundle holding `epoch`. When this enclave holds it already, no ledger key is read (so every
   * endorser reads the same keys); otherwise it adopts its own pending bundle or imports the wrap
   * addressed to it, checking the public halves against the published record.
   *
   * @throws EcarError KEYS_UNAVAILABLE when the epoch is not published or has no usable wrap here.
   */
  async bundleFor(state: RawState, epoch: number): Promise<KeyBundle> {
    const held = this.#held;
    if (held?.epochs.has(epoch)) return held;
    const record = await this.#record(state, epoch);
    const pending = this.#pending.get(epoch);
    if (pending !== undefined && matchesRecord(pending, record)) return this.#adopt(pending);
    const wrap = await readRecord(state, wrapKey(epoch, this.#identity.id), 'KEYS_UNAVAILABLE');
    if (wrap === undefined) {
      throw new EcarError(
        'KEYS_UNAVAILABLE',
        `no key wrap for this enclave at epoch ${epoch}: an org admin must shareKeys to it (a transaction the enclaves holding the keys endorse)`,
      );
    }
    const parsed = parseKeyWrap(wrap);
    if (parsed.from !== record.lineage || parsed.epoch !== epoch) {
      throw new EcarError('KEYS_UNAVAILABLE', `the key wrap is not of epoch ${epoch}'s key lineage`);
    }
    const bundle = unwrapBundle(parsed, this.#identity.box.secretKey);
    if (!matchesRecord(bundle, record)) {
      throw new EcarError(
        'KEYS_UNAVAILABLE',
        `the wrapped keys do not match the published record of epoch ${epoch}`,
      );
    }
    return this.#adopt(bundle);
  }

  /**
   * createKeys: a new epoch (the first, or the current one extended once a majority approved the
   * rotation), wrapped to every enclave whose evidence passes the policy at the transaction time.
   *
   * @throws EcarError FORBIDDEN (not an org admin, rotation not approved), KEYS_UNAVAILABLE.
   */
  async createKeys(tx: EnclaveTx): Promise<KeyRecord> {
    requireOrgAdmin(tx.submitter, 'createKeys');
    const current = await this.currentEpoch(tx.state);
    const approvedAt = await requireRotationApproved(tx.state, current + 1);
    const base = current === 0 ? undefined : restrictBundle(await this.bundleFor(tx.state, current), current);
    const { bundle, epoch } = extendBundle(base);
    const secrets = bundle.epochs.get(epoch);
    if (secrets === undefined || epoch !== current + 1) throw new EcarError('INTERNAL', 'key epoch mismatch');
    const recipients = await this.#attestedEnclaves(
      tx,
      judgedAt(tx, approvedAt, await this.#publishedAt(tx.state)),
    );
    if (!recipients.some((record) => record.id === this.#identity.id)) {
      throw new EcarError(
        'KEYS_UNAVAILABLE',
        'this enclave is not registered, or its evidence no longer passes the policy: registerEnclave first',
      );
    }
    const record = makeKeyRecord(
      {
        channel: tx.channel,
        chaincode: this.#chaincode,
        keys: epochPublicKeys(epoch, secrets),
        creator: this.#identity.id,
        lineage: lineageOf(bundle.nameKey),
        wraps: recipients.map((recipient) => wrapTo(bundle, recipient, epoch)),
      },
      this.#identity.signing.seed,
    );
    this.#pending.set(epoch, bundle);
    return record;
  }

  /**
   * publishKeys: checks the record (creator and every recipient attested at the transaction time,
   * the rotation approved for epochs after the first) and makes its epoch current.
   */
  async publishKeys(tx: EnclaveTx, recordJson: unknown): Promise<KeyRecord> {
    requireOrgAdmin(tx.submitter, 'publishKeys');
    const record = parseKeyRecord(requireText(recordJson, 'key record'));
    if (record.channel !== tx.channel || record.chaincode !== this.#chaincode) {
      throw new EcarError(
        'KEYS_UNAVAILABLE',
        `the key record is for ${record.channel}/${record.chaincode}, this is ${tx.channel}/${this.#chaincode}`,
      );
    }
    const current = await this.currentEpoch(tx.state);
    if (record.epoch !== current + 1) {
      throw new EcarError(
        'CONFLICT',
        `the key record is for epoch ${record.epoch}; the next epoch is ${current + 1}: create the keys again`,
      );
    }
    const approvedAt = await requireRotationApproved(tx.state, record.epoch);
    const { policy } = await requirePolicy(tx.state);
    const at = judgedAt(tx, approvedAt);
    const creator = await readRegistryRecord(tx.state, record.creator);
    if (creator === undefined) {
      throw new EcarError(
        'KEYS_UNAVAILABLE',
        `the key record's creator ${record.creator} is not a registered enclave`,
      );
    }
    verifyEnclaveEvidence(creator, policy, at);
    verifyKeyRecord(record, signingKeyOfEnclaveId(record.creator));
    if (current > 0) {
      const previous = await this.#record(tx.state, current);
      if (previous.lineage !== record.lineage) {
        throw new EcarError(
          'KEYS_UNAVAILABLE',
          'the key record starts another key lineage than the current one',
        );
      }
    }
    for (const wrap of record.wraps) {
      const recipient = await readRegistryRecord(tx.state, wrap.enclave);
      if (recipient === undefined) {
        throw new EcarError(
          'KEYS_UNAVAILABLE',
          `the record wraps keys to an unregistered enclave ${wrap.enclave}`,
        );
      }
      verifyEnclaveEvidence(recipient, policy, at);
    }
    await writeRecord(tx.state, recordKey(record.epoch), record);
    await writeRecord(tx.state, CURRENT_KEY, {
      epoch: record.epoch,
      txId: tx.clock.txId,
      publishedAt: tx.clock.nowMs,
    });
    for (const wrap of record.wraps) await writeRecord(tx.state, wrapKey(record.epoch, wrap.enclave), wrap);
    setEvent(tx, 'KeysPublished', { epoch: String(record.epoch), creator: record.creator });
    return record;
  }

  /**
   * shareKeys (a submit): wraps the current epoch to the given enclaves (every attested one without
   * a wrap when empty) and writes the wraps. Each recipient's evidence must pass the policy at the
   * transaction time; the wraps are deterministic, so every endorsing enclave that holds the epoch
   * writes the same bytes and the share is recorded by the transaction that hands it out.
   *
   * @throws EcarError FORBIDDEN (not an org admin), NOT_FOUND, ATTESTATION_* (a stale recipient),
   *   KEYS_UNAVAILABLE (this endorsing enclave does not hold the epoch).
   */
  async shareKeys(tx: EnclaveTx, idsJson: unknown): Promise<KeyWrap[]> {
    requireOrgAdmin(tx.submitter, 'shareKeys');
    const ids = parseIds(idsJson);
    const current = await this.#requireCurrent(tx.state);
    const { policy } = await requirePolicy(tx.state);
    const at = judgedAt(tx, await this.#publishedAt(tx.state));
    const targets: RegistryRecord[] = [];
    if (ids.length === 0) {
      for (const record of await listEnclaves(tx.state)) {
        const wrapped = (await tx.state.get(wrapKey(current, record.id))) !== undefined;
        if (!wrapped && stillAttested(record, policy, at)) targets.push(record);
      }
    } else {
      for (const id of ids) {
        const record = await readRegistryRecord(tx.state, id);
        if (record === undefined) throw new EcarError('NOT_FOUND', `no registered enclave '${id}'`);
        verifyEnclaveEvidence(record, policy, at);
        targets.push(record);
      }
    }
    if (targets.length === 0) return [];
    const bundle = await this.bundleFor(tx.state, current);
    const wraps = targets.map((record) => wrapTo(bundle, record, current));
    for (const wrap of wraps) await writeRecord(tx.state, wrapKey(current, wrap.enclave), wrap);
    setEvent(tx, 'KeysShared', { epoch: String(current), enclaves: wraps.map((w) => w.enclave).join(',') });
    return wraps;
  }

  /** vouchKeys: imports the epoch's keys (if not held yet) and signs a voucher for their public halves. */
  async vouchKeys(tx: EnclaveTx, epochArgument: unknown): Promise<Voucher> {
    requireOrgAdmin(tx.submitter, 'vouchKeys');
    const epoch =
      epochArgument === undefined || epochArgument === ''
        ? await this.#requireCurrent(tx.state)
        : parseEpoch(epochArgument);
    const record = await this.#record(tx.state, epoch);
    await this.bundleFor(tx.state, epoch);
    return makeVoucher(record, this.#identity.id, this.#identity.signing.seed);
  }

  /** recordVoucher: stores a voucher whose signature verifies with the registered enclave's key. */
  async recordVoucher(tx: EnclaveTx, voucherJson: unknown): Promise<Voucher> {
    requireOrgAdmin(tx.submitter, 'recordVoucher');
    const voucher = parseVoucher(requireText(voucherJson, 'voucher'));
    const enclave = await readRegistryRecord(tx.state, voucher.enclave);
    if (enclave === undefined) {
      throw new EcarError(
        'KEYS_UNAVAILABLE',
        `the voucher is from an unregistered enclave ${voucher.enclave}`,
      );
    }
    const record = await this.#record(tx.state, voucher.epoch);
    if (!verifyVoucher(voucher, record, signingKeyOfEnclaveId(voucher.enclave))) {
      throw new EcarError('KEYS_UNAVAILABLE', 'the voucher signature does not verify for this record');
    }
    await writeRecord(tx.state, voucherKey(voucher.epoch, voucher.enclave), voucher);
    setEvent(tx, 'KeysVouched', { epoch: String(voucher.epoch), enclave: voucher.enclave });
    return voucher;
  }

  /** keyStatus: the current epoch, every record, and the wraps and vouchers of the current epoch. */
  async keyStatus(state: RawState): Promise<KeyStatus> {
    const currentEpoch = await this.currentEpoch(state);
    const records: KeyRecord[] = [];
    const wraps: KeyWrap[] = [];
    const vouchers: Voucher[] = [];
    for (const entry of await state.range('keys/')) {
      const match = /^keys\/(\d+)(?:\/(wrap|voucher)\/[0-9a-f]{64})?$/.exec(entry.key);
      if (match === null) continue;
      const epoch = Number(match[1]);
      const text = Buffer.from(entry.value).toString('utf8');
      if (match[2] === undefined) records.push(parseKeyRecord(text));
      else if (epoch !== currentEpoch) continue;
      else if (match[2] === 'wrap')
        wraps.push(parseKeyWrap(parseJsonObject(text, 'key wrap', 'KEYS_UNAVAILABLE')));
      else vouchers.push(parseVoucher(text));
    }
    records.sort((a, b) => a.epoch - b.epoch);
    return { currentEpoch, records, wraps, vouchers };
  }

  async #record(state: RawState, epoch: number): Promise<KeyRecord> {
    const raw = await readRecord(state, recordKey(epoch), 'KEYS_UNAVAILABLE');
    if (raw === undefined)
      throw new EcarError('KEYS_UNAVAILABLE', `no chaincode keys are published for epoch ${epoch}`);
    return parseKeyRecord(raw);
  }

  async #requireCurrent(state: RawState): Promise<number> {
    const current = await this.currentEpoch(state);
    if (current === 0) {
      throw new EcarError(
        'KEYS_UNAVAILABLE',
        'no chaincode keys are published yet: createKeys, then publishKeys',
      );
    }
    return current;
  }

  /** When the current epoch was published (0 before the first). */
  async #publishedAt(state: RawState): Promise<number> {
    const raw = await readRecord(state, CURRENT_KEY);
    return typeof raw?.publishedAt === 'number' ? raw.publishedAt : 0;
  }

  async #attestedEnclaves(tx: EnclaveTx, at: Date): Promise<RegistryRecord[]> {
    const { policy } = await requirePolicy(tx.state);
    return (await listEnclaves(tx.state)).filter((record) => stillAttested(record, policy, at));
  }

  /** Merges a checked bundle into the held one and seals it to disk. */
  #adopt(bundle: KeyBundle): KeyBundle {
    const held = this.#held;
    if (held !== undefined && Buffer.compare(Buffer.from(held.nameKey), Buffer.from(bundle.nameKey)) !== 0) {
      throw new EcarError(
        'KEYS_UNAVAILABLE',
        'the published keys belong to another chaincode key lineage (name key differs)',
      );
    }
    const merged: KeyBundle = {
      nameKey: bundle.nameKey,
      epochs: new Map([...(held?.epochs ?? []), ...bundle.epochs]),
    };
    this.#files.write(KEYS_FILE, serializeBundle(merged));
    this.#held = merged;
    for (const epoch of bundle.epochs.keys()) this.#pending.delete(epoch);
    return merged;
  }
}

/** Whether a bundle's secrets for the record's epoch give exactly the record's public keys. */
function matchesRecord(bundle: KeyBundle, record: KeyRecord): boolean {
  const secrets = bundle.epochs.get(record.epoch);
  if (secrets === undefined) return false;
  const keys = epochPublicKeys(record.epoch, secrets);
  return (
    toB64(keys.boxPublicKey) === record.boxPublicKey &&
    toB64(keys.receiptPublicKey) === record.receiptPublicKey
  );
}

/**
 * The time evidence is judged at: the transaction time, but never before a recorded step this one
 * builds on (the rotation's approval, the current epoch's publication), so a proposal back-dated
 * past them cannot revive collateral that had expired by then. (The transaction time itself is
 * bounded by each enclave's own clock.)
 */
function judgedAt(tx: EnclaveTx, ...recordedAtMs: number[]): Date {
  return new Date(Math.max(tx.clock.nowMs, ...recordedAtMs));
}

/** The deterministic wrap of the bundle's epochs up to `epoch` to a registered enclave. */
function wrapTo(bundle: KeyBundle, recipient: RegistryRecord, epoch: number): KeyWrap {
  return wrapBundle(bundle, { enclave: recipient.id, boxPublicKey: boxKeyOf(recipient) }, epoch);
}

function requireText(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 4_000_000) {
    throw new EcarError('INVALID_ARGUMENT', `${what} must be JSON text`);
  }
  return value;
}

function parseIds(value: unknown): string[] {
  if (value === undefined || value === '') return [];
  const raw = parseJsonList(requireText(value, 'enclave ids'), 'enclave ids', 'INVALID_ARGUMENT', 1000);
  if (!raw.every((id) => isEnclaveId(id))) {
    throw new EcarError('INVALID_ARGUMENT', 'enclave ids must be a JSON list of enclave ids (64 hex digits)');
  }
  return [...new Set(raw)];
}

function parseEpoch(value: unknown): number {
  const epoch = typeof value === 'string' && /^[1-9][0-9]{0,8}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(epoch))
    throw new EcarError('INVALID_ARGUMENT', 'the epoch must be a positive integer');
  return epoch;
}
