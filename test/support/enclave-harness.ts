// Test harness for the enclave: an in-memory byte ledger with Fabric's semantics (reads see committed
// state, writes apply on commit), enclave runtimes on a simulated platform in temporary folders, the
// provisioning steps a network runs (policy, registration, keys, vouchers) and a confidential client.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EnclaveConfig } from '../../chaincode/src/enclave/config';
import type { EnclaveTx, RawEntry, RawState } from '../../chaincode/src/enclave/ledger-state';
import { EnclaveRuntime } from '../../chaincode/src/enclave/runtime';
import { simulatedSealer } from '../../chaincode/src/enclave/sealing';
import { simulatedProvider } from '../../chaincode/src/enclave/simulated-provider';
import type { JsonValue } from '../../chaincode/src/protocol/json';
import {
  createSimulatedPlatform,
  type SimulatedPlatform,
} from '../../chaincode/src/enclave/simulated-platform';
import { developmentPolicy } from '../../chaincode/src/enclave/simulated-platform-file';
import { operatorCommitment } from '../../chaincode/src/protocol/confidential/api';
import { fromB64 } from '../../chaincode/src/protocol/confidential/encoding';
import {
  extractSealedError,
  newRequestNonce,
  openResponse,
  PROTOCOL_VERSION,
  sealRequest,
  submitterBinding,
  type SubmitterBinding,
  type RequestBody,
  type RequestSecrets,
  type ResponsePayload,
} from '../../chaincode/src/protocol/confidential/envelope';
import type { KeyRecord } from '../../chaincode/src/protocol/confidential/key-record';
import { signingKeyPair, type SigningKeyPair } from '../../chaincode/src/protocol/confidential/primitives';
import { EcarError } from '../../chaincode/src/protocol/errors';
import { ocmfMeterVerifier } from '../../chaincode/src/protocol/ocmf';
import { T0 } from './ledger';

export const CHANNEL = 'ecar';
export const CHAINCODE = 'ecar-cc';
export const MEASUREMENT = new Uint8Array(32).fill(0x5a);
const DAY = 86_400_000;

const compare = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** Committed state as bytes. */
export class MemoryLedger {
  readonly committed = new Map<string, Uint8Array>();

  begin(): MemoryRawTx {
    return new MemoryRawTx(this.committed);
  }

  /** Every committed key and value as text (for assertions on what a peer stores). */
  dump(): string {
    return [...this.committed.entries()]
      .map(([key, value]) => `${key}=${Buffer.from(value).toString('utf8')}`)
      .join('\n');
  }
}

export class MemoryRawTx implements RawState {
  readonly #committed: Map<string, Uint8Array>;
  readonly writes = new Map<string, Uint8Array | null>();
  /** Keys read and range prefixes scanned, in order (what Fabric would put in the read set). */
  readonly reads: string[] = [];

  constructor(committed: Map<string, Uint8Array>) {
    this.#committed = committed;
  }

  get(key: string): Promise<Uint8Array | undefined> {
    this.reads.push(key);
    return Promise.resolve(this.#committed.get(key));
  }

  put(key: string, value: Uint8Array): Promise<void> {
    this.writes.set(key, new Uint8Array(value));
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    this.writes.set(key, null);
    return Promise.resolve();
  }

  range(prefix: string): Promise<readonly RawEntry[]> {
    this.reads.push(`range:${prefix}`);
    return Promise.resolve(
      [...this.#committed.entries()]
        .filter(([key]) => key.startsWith(prefix))
        .sort(([a], [b]) => compare(a, b))
        .map(([key, value]) => ({ key, value })),
    );
  }

  /** The write set as sorted [key, text] pairs (deletes as null). */
  writeSet(): [string, string | null][] {
    return [...this.writes.entries()]
      .sort(([a], [b]) => compare(a, b))
      .map(([key, value]) => [key, value === null ? null : Buffer.from(value).toString('utf8')]);
  }

  commit(): void {
    for (const [key, value] of this.writes) {
      if (value === null) this.#committed.delete(key);
      else this.#committed.set(key, value);
    }
  }
}

export interface TxOptions {
  readonly txId?: string;
  readonly nowMs?: number;
  readonly channel?: string;
  readonly mspId?: string;
  readonly isAdmin?: boolean;
  /** SHA-256 of the submitting identity's certificate; default TEST_SUBMITTER's. */
  readonly certHash?: string;
}

/** The identity test transactions are submitted with unless told otherwise (Org1MSP's client). */
export const TEST_SUBMITTER: SubmitterBinding = submitterBinding(
  'Org1MSP',
  new TextEncoder().encode('test client certificate'),
);

/**
 * The enclaves' own clock in these tests: it follows the time of the last transaction made (so an
 * honest transaction is always on time) unless a test sets it, to forge a transaction time.
 */
export const enclaveClock: { nowMs: number | undefined; last: number } = { nowMs: undefined, last: T0 };

export interface RecordedTx {
  readonly tx: EnclaveTx;
  readonly raw: MemoryRawTx;
  readonly events: { name: string; payload: string }[];
}

/** One channel's ledger and clock, and how transactions run on it. */
export class EnclaveTestNetwork {
  readonly ledger = new MemoryLedger();
  nowMs = T0;
  #counter = 0;

  nextTxId(): string {
    this.#counter += 1;
    return `tx${String(this.#counter).padStart(6, '0')}`;
  }

  makeTx(options: TxOptions = {}): RecordedTx {
    const raw = this.ledger.begin();
    enclaveClock.last = options.nowMs ?? this.nowMs;
    const events: { name: string; payload: string }[] = [];
    const tx: EnclaveTx = {
      state: raw,
      clock: { nowMs: options.nowMs ?? this.nowMs, txId: options.txId ?? this.nextTxId() },
      channel: options.channel ?? CHANNEL,
      submitter: {
        mspId: options.mspId ?? 'Org1MSP',
        isAdmin: options.isAdmin ?? false,
        certHash: options.certHash ?? TEST_SUBMITTER.certHash,
      },
      events: {
        setEvent: (name, payload) => events.push({ name, payload: Buffer.from(payload).toString('utf8') }),
      },
    };
    return { tx, raw, events };
  }

  /** Runs a write: commits only when it succeeds. */
  async submit<T>(run: (tx: EnclaveTx) => Promise<T>, options: TxOptions = {}): Promise<T> {
    const { tx, raw } = this.makeTx(options);
    const result = await run(tx);
    raw.commit();
    return result;
  }

  /** Runs a read: never commits. */
  evaluate<T>(run: (tx: EnclaveTx) => Promise<T>, options: TxOptions = {}): Promise<T> {
    return run(this.makeTx(options).tx);
  }

  /**
   * Runs a write as Fabric does with an AND endorsement policy: the same proposal (transaction id,
   * time, submitter) on every endorser, each over the committed state; commits only when every
   * endorser succeeded with the same result and write set, and throws the first endorser's error.
   */
  async endorse<T>(
    endorsers: readonly EnclaveRuntime[],
    run: (runtime: EnclaveRuntime, tx: EnclaveTx) => Promise<T>,
    options: TxOptions = {},
  ): Promise<T> {
    const fixed = { ...options, txId: options.txId ?? this.nextTxId(), nowMs: options.nowMs ?? this.nowMs };
    const outcomes: { result: T; raw: MemoryRawTx }[] = [];
    for (const runtime of endorsers) {
      const { tx, raw } = this.makeTx(fixed);
      outcomes.push({ result: await run(runtime, tx), raw });
    }
    const [first, ...others] = outcomes;
    if (first === undefined) throw new Error('endorse needs at least one endorser');
    const expected = JSON.stringify([first.result, first.raw.writeSet()]);
    for (const other of others) {
      if (JSON.stringify([other.result, other.raw.writeSet()]) !== expected) {
        throw new Error('the endorsements do not match (results or write sets differ between enclaves)');
      }
    }
    first.raw.commit();
    return first.result;
  }
}

/** A development platform whose windows cover T0 (30 days from one day before). */
export function testPlatform(): SimulatedPlatform {
  return createSimulatedPlatform({ notBefore: new Date(T0 - DAY), collateralDays: 30 });
}

export interface RuntimeOptions {
  readonly platform: SimulatedPlatform;
  readonly mspId?: string;
  /** The enclave's folder; a new temporary one when omitted. Reuse it to "restart" an enclave. */
  readonly dir?: string;
  readonly cpuSecret?: Uint8Array;
  readonly debug?: boolean;
  readonly channel?: string;
  readonly clockSkewMs?: number;
  /** ECAR_FOUNDING_ORGS; default Org1MSP and Org2MSP; null = not configured. */
  readonly foundingOrgs?: readonly string[] | null;
  /** The build's MRENCLAVE (also its sealing key's input); default MEASUREMENT. */
  readonly measurement?: Uint8Array;
}

export const FOUNDING_ORGS = ['Org1MSP', 'Org2MSP'] as const;

export const CPU_SECRET = new Uint8Array(32).fill(7);

export function newEnclaveDir(): string {
  return mkdtempSync(join(tmpdir(), 'ecar-enclave-'));
}

export function testRuntime(options: RuntimeOptions): EnclaveRuntime {
  const config: EnclaveConfig = {
    provider: 'simulated',
    enclaveDir: options.dir ?? newEnclaveDir(),
    simulatedPlatformFile: undefined,
    simulatedCpuSecretFile: undefined,
    simulatedDebug: options.debug ?? false,
    collateralFile: undefined,
    mspId: options.mspId ?? 'Org1MSP',
    channel: options.channel ?? CHANNEL,
    chaincode: CHAINCODE,
    plaintext: false,
    codeRoot: '.',
    clockSkewMs: options.clockSkewMs ?? 60_000,
    foundingOrgs: options.foundingOrgs === null ? undefined : (options.foundingOrgs ?? [...FOUNDING_ORGS]),
  };
  return new EnclaveRuntime({
    config,
    sealer: simulatedSealer(options.cpuSecret ?? CPU_SECRET, options.measurement ?? MEASUREMENT),
    provider: simulatedProvider({
      platform: options.platform,
      measurement: options.measurement ?? MEASUREMENT,
      debug: options.debug ?? false,
    }),
    meter: ocmfMeterVerifier,
    wallClock: () => enclaveClock.nowMs ?? enclaveClock.last,
  });
}

/** A wallet id nobody holds: the genesis operator when a test does not need to initialize. */
export const NOBODY_OPERATOR = `w:${'0'.repeat(64)}`;

/** Every founding org's admin approves the genesis (`policy` and `operator`), endorsed by every runtime. */
export async function approveGenesis(
  network: EnclaveTestNetwork,
  runtimes: readonly EnclaveRuntime[],
  policy: object,
  operator: string = NOBODY_OPERATOR,
): Promise<void> {
  const [first] = runtimes;
  if (first === undefined) throw new Error('approveGenesis needs at least one enclave');
  const genesis = JSON.stringify({ policy, operatorCommitment: operatorCommitment(operator) });
  for (const mspId of first.config.foundingOrgs ?? []) {
    await network.endorse(runtimes, (runtime, tx) => runtime.approveGenesis(tx, genesis), {
      mspId,
      isAdmin: true,
    });
  }
}

/**
 * Provisions a network: every founding org's admin approves the genesis (development policy and
 * `operator`), every enclave registers (as its own org's admin), the first creates the keys and
 * every enclave endorses their publication, every enclave imports and vouches. Returns the record.
 */
export async function provision(
  network: EnclaveTestNetwork,
  platform: SimulatedPlatform,
  runtimes: readonly EnclaveRuntime[],
  operator: string = NOBODY_OPERATOR,
): Promise<KeyRecord> {
  const [first] = runtimes;
  if (first === undefined) throw new Error('provision needs at least one enclave');
  await approveGenesis(network, runtimes, developmentPolicy(platform), operator);
  const admin = (runtime: EnclaveRuntime): TxOptions => ({ mspId: runtime.config.mspId, isAdmin: true });
  for (const runtime of runtimes) {
    const evidence = JSON.stringify(runtime.enclaveEvidence());
    await network.endorse(runtimes, (endorser, tx) => endorser.registerEnclave(tx, evidence), admin(runtime));
  }
  const record = await network.evaluate((tx) => first.createKeys(tx), admin(first));
  const recordText = JSON.stringify(record);
  await network.endorse(runtimes, (endorser, tx) => endorser.publishKeys(tx, recordText), admin(first));
  for (const runtime of runtimes) {
    const voucher = JSON.stringify(await network.evaluate((tx) => runtime.vouchKeys(tx, ''), admin(runtime)));
    await network.endorse(runtimes, (endorser, tx) => endorser.recordVoucher(tx, voucher), admin(runtime));
  }
  return record;
}

/** A wallet that seals requests to the published chaincode key and opens the answers. */
export class TestWallet {
  readonly keys: SigningKeyPair;

  constructor(keys: SigningKeyPair = signingKeyPair()) {
    this.keys = keys;
  }

  get callerId(): string {
    return `w:${Buffer.from(this.keys.publicKey).toString('hex')}`;
  }

  request(
    record: KeyRecord,
    fn: string,
    args: unknown,
    overrides: Partial<RequestBody> = {},
    nowMs = T0,
  ): { envelope: string; secrets: RequestSecrets } {
    const body: RequestBody = {
      v: PROTOCOL_VERSION,
      channel: CHANNEL,
      chaincode: CHAINCODE,
      epoch: record.epoch,
      fn,
      args: args as JsonValue,
      wallet: Buffer.from(this.keys.publicKey).toString('base64'),
      nonce: newRequestNonce(),
      notAfter: nowMs + 60_000,
      submitter: TEST_SUBMITTER,
      ...overrides,
    };
    const { envelopeText, secrets } = sealRequest(
      body,
      this.keys,
      fromB64(record.boxPublicKey, 'box key', 'INTERNAL', 32),
    );
    return { envelope: envelopeText, secrets };
  }
}

/** Opens a sealed response (or a sealed error's response) as the client does. */
export function openAnswer(
  responseText: string,
  secrets: RequestSecrets,
  txId: string,
  record: KeyRecord,
): ResponsePayload {
  return openResponse(responseText, {
    secrets,
    txId,
    epoch: record.epoch,
    receiptPublicKey: fromB64(record.receiptPublicKey, 'receipt key', 'INTERNAL', 32),
  });
}

/**
 * Runs a confidential call and opens what the client gets: the sealed response, or the sealed error
 * response inside a CONFIDENTIAL_ERROR (any other error is rethrown).
 */
export async function callAndOpen(
  run: () => Promise<string>,
  secrets: RequestSecrets,
  txId: string,
  record: KeyRecord,
): Promise<ResponsePayload> {
  let text: string;
  try {
    text = await run();
  } catch (error) {
    const sealed =
      error instanceof EcarError && error.code === 'CONFIDENTIAL_ERROR'
        ? extractSealedError(error.message)
        : undefined;
    if (sealed === undefined) throw error;
    text = sealed;
  }
  return openAnswer(text, secrets, txId, record);
}
