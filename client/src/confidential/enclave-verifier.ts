// Decides whether the client may encrypt to the chaincode keys (DESIGN sections 4 and 5.1): every
// registered enclave's evidence against the client's OWN policy, the current epoch's key record, and
// vouchers from accepted enclaves of enough distinct orgs. Fails closed, naming every reason.
import type { KeyStatus, RegistryRecord } from '../../../chaincode/src/protocol/confidential/api';
import { fromB64, toHex } from '../../../chaincode/src/protocol/confidential/encoding';
import {
  signingKeyOfEnclaveId,
  verifyKeyRecord,
  verifyVoucher,
  type EpochPublicKeys,
  type KeyRecord,
  type Voucher,
} from '../../../chaincode/src/protocol/confidential/key-record';
import {
  appraise,
  requirePinnedPolicy,
  trustAnchorsFor,
  verifyQuote,
  type AttestationPolicy,
  type VerifiedQuote,
} from '../../../chaincode/src/protocol/attestation';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import { EnclaveTrustError, type TrustFailure } from './trust-error';

/** Orgs whose attested enclaves must vouch for the keys: the orgs the endorsement policy needs. */
export const DEFAULT_MIN_ORGS = 2;
/** A verification is reused for at most this long, even when every collateral lasts longer. */
export const DEFAULT_MAX_TRUST_AGE_MS = 5 * 60_000;

export interface EnclaveSetInput {
  readonly channel: string;
  readonly chaincode: string;
  /** `listEnclaves`' answer. */
  readonly registry: readonly RegistryRecord[];
  /** `keyStatus`' answer. */
  readonly keyStatus: KeyStatus;
  /** The client's own policy (its profile), never the ledger's policy taken on trust. */
  readonly policy: AttestationPolicy;
  /** The time evidence and collateral are checked at. */
  readonly now: Date;
  /** Distinct vouching orgs required; the larger of this and policy.minOrgs applies. Default 2. */
  readonly minOrgs?: number;
  /** Longest reuse of a verification; default 5 minutes. */
  readonly maxTrustAgeMs?: number;
}

/** One enclave as the client judged it. */
export interface EnclaveTrust {
  /** Enclave id: hex of its Ed25519 identity key. */
  readonly id: string;
  readonly mspId: string;
  /** MRENCLAVE/MRTD hex: from the verified quote, or the registry's claim when the quote did not verify. */
  readonly measurement: string;
  readonly tcbStatus: string;
  readonly accepted: boolean;
  /** Why it is not accepted (every reason, joined). */
  readonly reason?: string;
}

/** The chaincode keys the client may encrypt to, and the judgement they rest on. */
export interface TrustedKeys {
  readonly channel: string;
  readonly chaincode: string;
  readonly epoch: number;
  readonly boxPublicKey: Uint8Array;
  readonly receiptPublicKey: Uint8Array;
  readonly enclaves: readonly EnclaveTrust[];
  /** MSP ids of the orgs whose accepted enclaves vouched for these keys. */
  readonly vouchingOrgs: readonly string[];
  readonly verifiedAt: Date;
  /** The earliest collateral expiry of the enclaves relied on, or verifiedAt + the maximum trust age. */
  readonly expiresAt: Date;
}

/** One enclave in full, for `ecar attest status`. */
export interface EnclaveStatus extends EnclaveTrust {
  readonly provider: string;
  readonly mrSigner?: string;
  readonly productId?: number;
  readonly svn?: number;
  readonly advisoryIds: readonly string[];
  readonly debug?: boolean;
  /** Chained to a development root, not Intel. */
  readonly simulated: boolean;
  /** The quote passed the platform checks (chain, CRLs, TCB info, QE identity, signatures) at checkedAt. */
  readonly verified: boolean;
  /** Every reason it is not accepted (empty when accepted). */
  readonly reasons: readonly string[];
  /** Things worth knowing even when accepted (e.g. simulated, no measurement pinned). */
  readonly notes: readonly string[];
  readonly collateralValidUntil?: string;
  readonly registeredAt: string;
  /** It holds the current keys: creator, a wrap recipient, or a voucher. */
  readonly holdsKeys: boolean;
  /** A valid voucher of it for the current epoch is counted. */
  readonly vouched: boolean;
}

export interface KeyRecordStatus {
  readonly epoch: number;
  readonly creator: string;
  readonly creatorMspId?: string;
  readonly boxPublicKey: string;
  readonly receiptPublicKey: string;
  /** The creator is an accepted enclave and its signature over the record verifies. */
  readonly verified: boolean;
  readonly reasons: readonly string[];
}

/** Everything about the enclave set, verified or why not: the data behind `ecar attest status`. */
export interface AttestationReport {
  readonly channel: string;
  readonly chaincode: string;
  readonly checkedAt: string;
  readonly currentEpoch: number;
  readonly requiredOrgs: number;
  readonly vouchingOrgs: readonly string[];
  readonly keyRecord?: KeyRecordStatus;
  readonly enclaves: readonly EnclaveStatus[];
  /** True when a client with this policy would encrypt to the current keys. */
  readonly trusted: boolean;
  /** Why it is not trusted (empty when trusted). */
  readonly failures: readonly TrustFailure[];
  /** Rejected enclaves that neither hold the keys nor vouched: harmless now, worth fixing. */
  readonly warnings: readonly TrustFailure[];
  readonly expiresAt?: string;
}

/**
 * Verifies the enclave set and returns the keys to encrypt to.
 *
 * @throws EnclaveTrustError (an EcarError: ATTESTATION_* for a rejected enclave, KEYS_UNAVAILABLE for
 *   a missing, unsigned or under-vouched key record) naming every reason; nothing may be encrypted then.
 * @throws InvalidPolicyError when the client's policy pins no measurement or signer.
 */
export function verifyEnclaveSet(input: EnclaveSetInput): TrustedKeys {
  const judged = judgeEnclaveSet(input);
  if (!judged.report.trusted || judged.keys === undefined) {
    throw new EnclaveTrustError([...judged.report.failures, ...judged.report.warnings]);
  }
  return {
    channel: input.channel,
    chaincode: input.chaincode,
    epoch: judged.keys.epoch,
    boxPublicKey: judged.keys.boxPublicKey,
    receiptPublicKey: judged.keys.receiptPublicKey,
    enclaves: judged.report.enclaves.map(({ id, mspId, measurement, tcbStatus, accepted, reason }) => ({
      id,
      mspId,
      measurement,
      tcbStatus,
      accepted,
      ...(reason === undefined ? {} : { reason }),
    })),
    vouchingOrgs: judged.report.vouchingOrgs,
    verifiedAt: input.now,
    expiresAt: judged.expiresAt,
  };
}

/**
 * The detailed report (never throws for a bad enclave set: `trusted` and `failures` say it).
 *
 * @throws InvalidPolicyError when the policy pins no measurement or signer.
 */
export function assessEnclaveSet(input: EnclaveSetInput): AttestationReport {
  return judgeEnclaveSet(input).report;
}

interface Judged {
  readonly report: AttestationReport;
  readonly keys: EpochPublicKeys | undefined;
  readonly expiresAt: Date;
}

interface EnclaveJudgement {
  readonly record: RegistryRecord;
  readonly failures: readonly TrustFailure[];
  readonly notes: readonly string[];
  readonly signingKey: Uint8Array | undefined;
  readonly validUntil: Date | undefined;
  readonly details: Pick<
    EnclaveStatus,
    | 'measurement'
    | 'tcbStatus'
    | 'mrSigner'
    | 'productId'
    | 'svn'
    | 'advisoryIds'
    | 'debug'
    | 'simulated'
    | 'verified'
  >;
}

const short = (id: string): string => `${id.slice(0, 8)}…`;
const enclaveSubject = (record: Pick<RegistryRecord, 'id' | 'mspId'>): string =>
  `enclave ${short(record.id)} of ${record.mspId}`;

type Fail = (code: TrustFailure['code'], reason: string, rule?: string) => void;

/** Collects the failures of one enclave, each naming it. */
function enclaveFailures(record: RegistryRecord): { readonly failures: TrustFailure[]; readonly fail: Fail } {
  const failures: TrustFailure[] = [];
  return {
    failures,
    fail: (code, reason, rule) => {
      failures.push({
        code,
        subject: enclaveSubject(record),
        reason,
        enclave: record.id,
        mspId: record.mspId,
        ...(rule === undefined ? {} : { rule }),
      });
    },
  };
}

/** Rule "identity": both keys are 32 bytes and the registry id is the signing key. */
function bindingKeysOf(
  record: RegistryRecord,
  fail: Fail,
): { boxPub: Uint8Array; signPub: Uint8Array } | { boxPub?: undefined; signPub?: Uint8Array } {
  let boxPub: Uint8Array | undefined;
  let signPub: Uint8Array | undefined;
  try {
    boxPub = fromB64(record.boxPublicKey, 'its box key', 'ATTESTATION_FORMAT_INVALID', 32);
    signPub = fromB64(record.signingPublicKey, 'its signing key', 'ATTESTATION_FORMAT_INVALID', 32);
  } catch (error) {
    fail('ATTESTATION_FORMAT_INVALID', reasonOf(error));
  }
  if (signPub !== undefined && toHex(signPub) !== record.id) {
    fail('ATTESTATION_FORMAT_INVALID', 'its registry id is not its signing key', 'identity');
  }
  return boxPub !== undefined && signPub !== undefined ? { boxPub, signPub } : { signPub };
}

/** Rule "deployment": it serves the channel and chaincode this client talks to. */
function checkDeployment(record: RegistryRecord, input: EnclaveSetInput, fail: Fail): void {
  if (record.channel !== input.channel || record.chaincode !== input.chaincode) {
    fail(
      'ATTESTATION_POLICY_REJECTED',
      `it serves ${record.channel}/${record.chaincode}, not ${input.channel}/${input.chaincode}`,
      'deployment',
    );
  }
}

/** What the quote proves, once it verified, in the report's terms. */
function verifiedDetails(verified: VerifiedQuote): EnclaveJudgement['details'] {
  return {
    measurement: toHex(verified.measurement),
    tcbStatus: verified.tcbStatus,
    advisoryIds: verified.advisoryIds,
    debug: verified.debug,
    simulated: verified.trustAnchor.simulated,
    verified: true,
    ...(verified.mrSigner === undefined ? {} : { mrSigner: toHex(verified.mrSigner) }),
    ...(verified.productId === undefined ? {} : { productId: verified.productId }),
    ...(verified.svn === undefined ? {} : { svn: verified.svn }),
  };
}

/** Rules of the evidence: the quote verifies and the policy accepts it, bound to these keys. */
function judgeEvidence(
  record: RegistryRecord,
  keys: { boxPub: Uint8Array; signPub: Uint8Array },
  input: EnclaveSetInput,
  fail: Fail,
): Partial<Pick<EnclaveJudgement, 'details' | 'notes' | 'validUntil'>> {
  try {
    const quote = fromB64(record.quote, 'its quote', 'ATTESTATION_FORMAT_INVALID');
    const verified = verifyQuote(quote, record.collateral, {
      at: input.now,
      trustAnchors: trustAnchorsFor(input.policy),
    });
    const binding = { ...keys, channel: input.channel, chaincode: input.chaincode, mspId: record.mspId };
    const verdict = appraise(verified, input.policy, { binding });
    for (const failure of verdict.failures) fail(failure.code, failure.reason, failure.rule);
    return {
      details: verifiedDetails(verified),
      notes: verdict.notes,
      validUntil: verified.collateral.validUntil,
    };
  } catch (error) {
    const rule = error instanceof EcarError ? error.details.rule : undefined;
    fail(
      error instanceof EcarError ? error.code : 'ATTESTATION_FORMAT_INVALID',
      reasonOf(error),
      typeof rule === 'string' ? rule : undefined,
    );
    return {};
  }
}

function judgeEnclave(record: RegistryRecord, input: EnclaveSetInput): EnclaveJudgement {
  const { failures, fail } = enclaveFailures(record);
  const claimed: EnclaveJudgement['details'] = {
    measurement: record.measurement,
    tcbStatus: record.tcbStatus,
    advisoryIds: record.advisoryIds,
    simulated: record.simulated || record.provider === 'simulated',
    verified: false,
  };
  const keys = bindingKeysOf(record, fail);
  checkDeployment(record, input, fail);
  let evidence: ReturnType<typeof judgeEvidence> = {};
  if (claimed.simulated && !input.policy.allowSimulated) {
    // said before the chain check fails on the development root, in words a person can act on
    fail(
      'ATTESTATION_POLICY_REJECTED',
      'simulated evidence (development root, not Intel SGX): your policy does not allow simulated enclaves',
      'simulated',
    );
  } else if (keys.boxPub !== undefined) {
    evidence = judgeEvidence(record, keys, input, fail);
  }
  return {
    record,
    failures,
    notes: evidence.notes ?? [],
    signingKey: keys.signPub,
    validUntil: evidence.validUntil,
    details: evidence.details ?? claimed,
  };
}

/** The voucher verifies with the signing key its enclave id names (ids are signing keys). */
function vouchedByItsId(voucher: Voucher, record: KeyRecord): boolean {
  try {
    return verifyVoucher(voucher, record, signingKeyOfEnclaveId(voucher.enclave));
  } catch {
    return false;
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof EcarError) return error.reason;
  return 'its evidence could not be read';
}

/** Every registered enclave judged; a duplicate id keeps the worse judgement (one bad registration is enough). */
function judgeRegistry(input: EnclaveSetInput): Map<string, EnclaveJudgement> {
  const judgements = new Map<string, EnclaveJudgement>();
  for (const record of input.registry) {
    const judged = judgeEnclave(record, input);
    const earlier = judgements.get(record.id);
    if (earlier === undefined || judged.failures.length > earlier.failures.length)
      judgements.set(record.id, judged);
  }
  return judgements;
}

/** What the key rules share: the judged enclaves, the current epoch and where key failures go. */
interface KeyContext {
  readonly input: EnclaveSetInput;
  readonly epoch: number;
  readonly judgements: ReadonlyMap<string, EnclaveJudgement>;
  accepted(id: string): boolean;
  keyFail(subject: string, reason: string): void;
  readonly recordSubject: string;
  readonly vouchSubject: string;
}

interface KeyRecordJudgement {
  readonly record: KeyRecord | undefined;
  /** Set only when the record passed every rule. */
  readonly keys: EpochPublicKeys | undefined;
  readonly reasons: readonly string[];
}

/** Rule "key record": the current epoch's record exists, is for this chaincode and an accepted enclave signed it. */
function judgeKeyRecord(c: KeyContext): KeyRecordJudgement {
  const { input, epoch } = c;
  if (epoch < 1) {
    c.keyFail('chaincode keys', 'no chaincode keys are published yet (the operators must run provisioning)');
    return { record: undefined, keys: undefined, reasons: [] };
  }
  const record = input.keyStatus.records.find((r) => r.epoch === epoch);
  if (record === undefined) {
    const reason = `the key status names epoch ${epoch} but holds no record for it`;
    c.keyFail(c.recordSubject, reason);
    return { record, keys: undefined, reasons: [reason] };
  }
  const reasons: string[] = [];
  if (record.channel !== input.channel || record.chaincode !== input.chaincode) {
    reasons.push(`it is for ${record.channel}/${record.chaincode}, not ${input.channel}/${input.chaincode}`);
  }
  const creator = c.judgements.get(record.creator);
  if (creator === undefined) {
    reasons.push(`it was created by enclave ${short(record.creator)}, which is not in the registry`);
  } else if (!c.accepted(record.creator)) {
    reasons.push(`it was created by ${enclaveSubject(creator.record)}, which your policy does not accept`);
  }
  let keys: EpochPublicKeys | undefined;
  try {
    const checked = verifyKeyRecord(record, signingKeyOfEnclaveId(record.creator));
    if (reasons.length === 0) keys = checked;
  } catch (error) {
    reasons.push(reasonOf(error));
  }
  for (const reason of reasons) c.keyFail(c.recordSubject, reason);
  return { record, keys, reasons };
}

/**
 * Who holds the keys according to the record and the key status: its creator and every wrap's
 * recipient (a wrap is `from` the key lineage, not an enclave). Rule "lineage": every wrap is of
 * this record's lineage and epoch.
 */
function keyHoldersOf(record: KeyRecord, c: KeyContext): Set<string> {
  const holders = new Set<string>([record.creator]);
  for (const wrap of [...record.wraps, ...c.input.keyStatus.wraps]) {
    holders.add(wrap.enclave);
    if (wrap.from !== record.lineage || wrap.epoch !== record.epoch) {
      c.keyFail(
        c.recordSubject,
        `a wrap to enclave ${short(wrap.enclave)} is not of this record's key lineage and epoch (the key status was altered)`,
      );
    }
  }
  return holders;
}

interface Vouching {
  readonly orgs: ReadonlySet<string>;
  readonly vouched: ReadonlySet<string>;
  /** Why vouchers were not counted: said only when the orgs fall short. */
  readonly notes: readonly string[];
}

/**
 * Rule "vouchers": count the distinct orgs of accepted enclaves whose voucher of the current epoch
 * verifies. A voucher that verifies says its enclave holds the keys (added to `holders`); one that
 * does not match the record's public keys means the record or the voucher was altered.
 */
function countVouchers(record: KeyRecord, holders: Set<string>, c: KeyContext): Vouching {
  const orgs = new Set<string>();
  const vouched = new Set<string>();
  const notes: string[] = [];
  for (const voucher of c.input.keyStatus.vouchers) {
    if (voucher.epoch !== c.epoch) continue;
    const judged = c.judgements.get(voucher.enclave);
    if (judged === undefined || judged.signingKey === undefined) {
      // a voucher that its enclave id's key did sign says that enclave holds the keys: it must be judged
      if (judged === undefined && vouchedByItsId(voucher, record)) holders.add(voucher.enclave);
      notes.push(
        `a voucher from enclave ${short(voucher.enclave)}, which is not in the registry, is not counted`,
      );
    } else if (!verifyVoucher(voucher, record, judged.signingKey)) {
      c.keyFail(
        c.vouchSubject,
        `the voucher of ${enclaveSubject(judged.record)} does not match this key record's public keys (the record or the voucher was altered)`,
      );
    } else {
      holders.add(voucher.enclave);
      if (c.accepted(voucher.enclave)) {
        vouched.add(voucher.enclave);
        orgs.add(judged.record.mspId);
      } else {
        notes.push(
          `the voucher of ${enclaveSubject(judged.record)} is not counted: your policy does not accept that enclave`,
        );
      }
    }
  }
  return { orgs, vouched, notes };
}

/** Rule "holders": every enclave that holds the keys can read the requests, so each must be accepted. */
function checkHolders(holders: ReadonlySet<string>, creator: string | undefined, c: KeyContext): void {
  for (const id of [...holders].sort()) {
    if (id === creator) continue; // already judged as the creator
    const judged = c.judgements.get(id);
    if (judged === undefined) {
      c.keyFail(c.recordSubject, `enclave ${short(id)} holds the keys but is not in the registry`);
    } else if (!c.accepted(id)) {
      c.keyFail(
        c.recordSubject,
        `${enclaveSubject(judged.record)} holds the keys but your policy does not accept it (the keys must be rotated so only accepted enclaves hold them)`,
      );
    }
  }
}

/** Rule "orgs": the current keys are vouched for by at least `requiredOrgs` distinct orgs. */
function checkVouchingOrgs(
  orgs: readonly string[],
  uncounted: readonly string[],
  requiredOrgs: number,
  c: KeyContext,
): void {
  if (c.epoch < 1 || orgs.length >= requiredOrgs) return;
  const named = orgs.length > 0 ? ` (${orgs.join(', ')})` : '';
  c.keyFail(
    c.vouchSubject,
    `the current keys are vouched for by ${orgs.length} org${orgs.length === 1 ? '' : 's'}${named}, the policy needs ${requiredOrgs}`,
  );
  for (const note of uncounted) c.keyFail(c.vouchSubject, note);
}

/** Trust lasts the policy's maximum age, and never past the collateral of an enclave relied on. */
function trustExpiry(
  judged: readonly EnclaveJudgement[],
  relied: (id: string) => boolean,
  input: EnclaveSetInput,
): Date {
  let expiresAt = new Date(input.now.getTime() + (input.maxTrustAgeMs ?? DEFAULT_MAX_TRUST_AGE_MS));
  for (const j of judged) {
    if (relied(j.record.id) && j.validUntil !== undefined && j.validUntil < expiresAt)
      expiresAt = j.validUntil;
  }
  return expiresAt;
}

function enclaveStatus(
  judged: EnclaveJudgement,
  relied: (id: string) => boolean,
  vouched: ReadonlySet<string>,
): EnclaveStatus {
  const reasons = judged.failures.map((f) => f.reason);
  return {
    id: judged.record.id,
    mspId: judged.record.mspId,
    provider: judged.record.provider,
    ...judged.details,
    accepted: reasons.length === 0,
    ...(reasons.length === 0 ? {} : { reason: reasons.join('; ') }),
    reasons,
    notes: judged.notes,
    ...(judged.validUntil === undefined ? {} : { collateralValidUntil: judged.validUntil.toISOString() }),
    registeredAt: new Date(judged.record.registeredAt).toISOString(),
    holdsKeys: relied(judged.record.id),
    vouched: vouched.has(judged.record.id),
  };
}

function keyRecordSummary(
  judged: KeyRecordJudgement,
  judgements: ReadonlyMap<string, EnclaveJudgement>,
): Pick<AttestationReport, 'keyRecord'> {
  const { record } = judged;
  if (record === undefined) return {};
  const creatorMspId = judgements.get(record.creator)?.record.mspId;
  return {
    keyRecord: {
      epoch: record.epoch,
      creator: record.creator,
      ...(creatorMspId === undefined ? {} : { creatorMspId }),
      boxPublicKey: record.boxPublicKey,
      receiptPublicKey: record.receiptPublicKey,
      verified: judged.reasons.length === 0,
      reasons: judged.reasons,
    },
  };
}

/**
 * The trust decision, as named rules: each enclave (identity, deployment, simulated, evidence and
 * policy), the key record, the key lineage, the vouchers, the holders and the vouching orgs. The
 * set is trusted only when no enclave relied on and no key rule failed.
 */
function judgeEnclaveSet(input: EnclaveSetInput): Judged {
  const { keyStatus, policy, now } = input;
  // a policy that pins no code would accept any enclave: refused before anything is judged
  requirePinnedPolicy(policy);
  const requiredOrgs = Math.max(policy.minOrgs, input.minOrgs ?? DEFAULT_MIN_ORGS);
  const epoch = keyStatus.currentEpoch;
  const judgements = judgeRegistry(input);
  const keyFailures: TrustFailure[] = [];
  const c: KeyContext = {
    input,
    epoch,
    judgements,
    accepted: (id) => judgements.get(id)?.failures.length === 0,
    keyFail: (subject, reason) => keyFailures.push({ code: 'KEYS_UNAVAILABLE', subject, reason }),
    recordSubject: `key record of epoch ${epoch}`,
    vouchSubject: `vouchers of epoch ${epoch}`,
  };

  const keyRecord = judgeKeyRecord(c);
  const { record } = keyRecord;
  const holders = record === undefined ? new Set<string>() : keyHoldersOf(record, c);
  const vouching: Vouching =
    record === undefined
      ? { orgs: new Set(), vouched: new Set(), notes: [] }
      : countVouchers(record, holders, c);
  checkHolders(holders, record?.creator, c);
  const orgs = [...vouching.orgs].sort();
  checkVouchingOrgs(orgs, vouching.notes, requiredOrgs, c);

  // enclave failures: those that hold keys, created or vouched make the set untrusted
  const relied = (id: string): boolean => holders.has(id) || record?.creator === id;
  const sorted = [...judgements.values()].sort(
    (a, b) => a.record.mspId.localeCompare(b.record.mspId) || a.record.id.localeCompare(b.record.id),
  );
  const enclaveFailures = sorted.filter((j) => relied(j.record.id)).flatMap((j) => j.failures);
  const warnings = sorted.filter((j) => !relied(j.record.id)).flatMap((j) => j.failures);
  const expiresAt = trustExpiry(sorted, relied, input);

  const failures = [...enclaveFailures, ...keyFailures];
  const trusted = failures.length === 0 && keyRecord.keys !== undefined;
  const report: AttestationReport = {
    channel: input.channel,
    chaincode: input.chaincode,
    checkedAt: now.toISOString(),
    currentEpoch: epoch,
    requiredOrgs,
    vouchingOrgs: orgs,
    ...keyRecordSummary(keyRecord, judgements),
    enclaves: sorted.map((j) => enclaveStatus(j, relied, vouching.vouched)),
    trusted,
    failures,
    warnings,
    ...(trusted ? { expiresAt: expiresAt.toISOString() } : {}),
  };
  return { report, keys: trusted ? keyRecord.keys : undefined, expiresAt };
}
