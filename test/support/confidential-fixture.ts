// Test data for the confidential client: enclaves with simulated evidence, registry records, a key
// record with wraps and vouchers, built with the real protocol functions (no network). Builders take
// Partial overrides so each test changes only what it is about.
import { createHash } from 'node:crypto';
import {
  DEFAULT_POLICY,
  enclaveReportData,
  verifyQuote,
  type AttestationPolicy,
} from '../../chaincode/src/protocol/attestation';
import {
  createSimulatedPlatform,
  type SimulatedPlatform,
  type SimulatedPlatformOptions,
} from '../../chaincode/src/enclave/simulated-platform';
import type {
  EnclaveEvidence,
  KeyStatus,
  RegistryRecord,
} from '../../chaincode/src/protocol/confidential/api';
import { toB64, toHex } from '../../chaincode/src/protocol/confidential/encoding';
import {
  epochPublicKeys,
  extendBundle,
  lineageOf,
  makeKeyRecord,
  makeVoucher,
  wrapBundle,
  type EpochSecrets,
  type KeyBundle,
  type KeyRecord,
  type Voucher,
} from '../../chaincode/src/protocol/confidential/key-record';
import {
  boxKeyPair,
  signingKeyPair,
  type BoxKeyPair,
  type SigningKeyPair,
} from '../../chaincode/src/protocol/confidential/primitives';

export const CHANNEL = 'ecar';
export const CHAINCODE = 'ecar';
/** The measurement the test policy pins (stands for the hash of the built chaincode bundle). */
export const MEASUREMENT = createHash('sha256').update('ecar test chaincode bundle').digest();
/** When the simulated platform's certificates and collateral start (collateral lasts 30 days). */
export const NOW = new Date('2026-03-01T12:00:00Z');

export interface EnclaveSpec {
  readonly mspId: string;
  readonly measurement: Uint8Array;
  readonly debug: boolean;
  /** The deployment the quote binds (default: the test channel and chaincode). */
  readonly channel: string;
  readonly chaincode: string;
}

export interface TestEnclave {
  readonly id: string;
  readonly mspId: string;
  readonly box: BoxKeyPair;
  readonly signing: SigningKeyPair;
  readonly evidence: EnclaveEvidence;
  readonly record: RegistryRecord;
}

export function testEnclave(
  platform: SimulatedPlatform,
  spec: Partial<EnclaveSpec> & { mspId: string },
): TestEnclave {
  const full: EnclaveSpec = {
    measurement: MEASUREMENT,
    debug: false,
    channel: CHANNEL,
    chaincode: CHAINCODE,
    ...spec,
  };
  const box = boxKeyPair();
  const signing = signingKeyPair();
  const quote = platform.quote({
    measurement: full.measurement,
    debug: full.debug,
    reportData: enclaveReportData({
      boxPub: box.publicKey,
      signPub: signing.publicKey,
      channel: full.channel,
      chaincode: full.chaincode,
      mspId: full.mspId,
    }),
  });
  const evidence: EnclaveEvidence = {
    v: 1,
    provider: 'simulated',
    mspId: full.mspId,
    channel: full.channel,
    chaincode: full.chaincode,
    boxPublicKey: toB64(box.publicKey),
    signingPublicKey: toB64(signing.publicKey),
    quote: toB64(quote),
    collateral: JSON.stringify(platform.collateral()),
  };
  return {
    id: toHex(signing.publicKey),
    mspId: full.mspId,
    box,
    signing,
    evidence,
    record: registryRecord(evidence, platform),
  };
}

/** The record a registering enclave would write (fields read from the verified quote). */
export function registryRecord(evidence: EnclaveEvidence, platform: SimulatedPlatform): RegistryRecord {
  const verified = verifyQuote(Buffer.from(evidence.quote, 'base64'), evidence.collateral, {
    at: NOW,
    trustAnchors: [platform.trustAnchor],
  });
  return {
    ...evidence,
    id: toHex(Buffer.from(evidence.signingPublicKey, 'base64')),
    measurement: toHex(verified.measurement),
    ...(verified.mrSigner === undefined ? {} : { mrSigner: toHex(verified.mrSigner) }),
    tcbStatus: verified.tcbStatus,
    advisoryIds: verified.advisoryIds,
    simulated: true,
    registeredAt: NOW.getTime(),
    txId: createHash('sha256').update(evidence.signingPublicKey).digest('hex'),
  };
}

/** The client policy of the tests: simulated evidence from this platform, the test measurement, 2 orgs. */
export function testPolicy(
  platform: SimulatedPlatform,
  overrides: Partial<AttestationPolicy> = {},
): AttestationPolicy {
  return {
    ...DEFAULT_POLICY,
    allowSimulated: true,
    simulatedRootKeys: [platform.rootPublicKeyHex],
    measurements: [toHex(MEASUREMENT)],
    minOrgs: 2,
    ...overrides,
  };
}

export interface ConfidentialFixture {
  readonly platform: SimulatedPlatform;
  readonly enclaves: readonly TestEnclave[];
  readonly registry: readonly RegistryRecord[];
  readonly bundle: KeyBundle;
  readonly epoch: number;
  readonly secrets: EpochSecrets;
  readonly record: KeyRecord;
  readonly vouchers: readonly Voucher[];
  readonly keyStatus: KeyStatus;
  readonly policy: AttestationPolicy;
}

export interface FixtureOptions {
  readonly platform: SimulatedPlatform;
  readonly platformOptions: Partial<SimulatedPlatformOptions>;
  /** One enclave per entry; default Org1MSP and Org2MSP with good evidence. */
  readonly enclaves: readonly (Partial<EnclaveSpec> & { mspId: string })[];
  /** Index of the enclave that creates the keys; default 0. */
  readonly creator: number;
  /** Indexes of the enclaves that vouch; default all. */
  readonly vouching: readonly number[];
}

/** A provisioned deployment: every enclave registered, keys created by one, wrapped to all, vouched. */
export function confidentialFixture(options: Partial<FixtureOptions> = {}): ConfidentialFixture {
  const platform =
    options.platform ?? createSimulatedPlatform({ notBefore: NOW, ...options.platformOptions });
  const specs = options.enclaves ?? [{ mspId: 'Org1MSP' }, { mspId: 'Org2MSP' }];
  const enclaves = specs.map((spec) => testEnclave(platform, spec));
  const creator = enclaves[options.creator ?? 0];
  if (creator === undefined) throw new Error('fixture: no creator enclave');
  const { bundle, epoch } = extendBundle(undefined);
  const secrets = bundle.epochs.get(epoch);
  if (secrets === undefined) throw new Error('fixture: no epoch secrets');
  const wraps = enclaves
    .filter((e) => e !== creator)
    .map((e) => wrapBundle(bundle, { enclave: e.id, boxPublicKey: e.box.publicKey }, epoch));
  const record = makeKeyRecord(
    {
      channel: CHANNEL,
      chaincode: CHAINCODE,
      keys: epochPublicKeys(epoch, secrets),
      creator: creator.id,
      lineage: lineageOf(bundle.nameKey),
      wraps,
    },
    creator.signing.seed,
  );
  const vouching = options.vouching ?? enclaves.map((_, i) => i);
  const vouchers = vouching.map((i) => {
    const enclave = enclaves[i];
    if (enclave === undefined) throw new Error(`fixture: no enclave ${i}`);
    return makeVoucher(record, enclave.id, enclave.signing.seed);
  });
  return {
    platform,
    enclaves,
    registry: enclaves.map((e) => e.record),
    bundle,
    epoch,
    secrets,
    record,
    vouchers,
    keyStatus: { currentEpoch: epoch, records: [record], wraps, vouchers },
    policy: testPolicy(platform),
  };
}

/**
 * The deployment after a key rotation: a new epoch created by the same enclave, wrapped to the others
 * and vouched for by all; the key status names it current and keeps the retired record before it.
 */
export function rotatedFixture(previous: ConfidentialFixture): ConfidentialFixture {
  const creator = previous.enclaves.find((e) => e.id === previous.record.creator);
  if (creator === undefined) throw new Error('fixture: no creator enclave');
  const { bundle, epoch } = extendBundle(previous.bundle);
  const secrets = bundle.epochs.get(epoch);
  if (secrets === undefined) throw new Error('fixture: no epoch secrets');
  const wraps = previous.enclaves
    .filter((e) => e !== creator)
    .map((e) => wrapBundle(bundle, { enclave: e.id, boxPublicKey: e.box.publicKey }, epoch));
  const record = makeKeyRecord(
    {
      channel: CHANNEL,
      chaincode: CHAINCODE,
      keys: epochPublicKeys(epoch, secrets),
      creator: creator.id,
      lineage: lineageOf(bundle.nameKey),
      wraps,
    },
    creator.signing.seed,
  );
  const vouchers = previous.enclaves.map((e) => makeVoucher(record, e.id, e.signing.seed));
  return {
    ...previous,
    bundle,
    epoch,
    secrets,
    record,
    vouchers,
    keyStatus: { currentEpoch: epoch, records: [...previous.keyStatus.records, record], wraps, vouchers },
  };
}
