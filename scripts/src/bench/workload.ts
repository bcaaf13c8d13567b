// The settle workload of the end-to-end benchmark: per mode (plaintext 'ledger' contract or the
// confidential entry point) an operator, an issuer and a host, one station with its own signing meter
// per worker and one funded driver per worker; a worker's unit of work is one charging session,
// startSession then stopSession settled from freshly signed OCMF begin/end records.
import {
  ensureRoleWallets,
  networkWalletPassphrase,
  ROLE_IDENTITIES,
  walletPaths,
  type Role,
} from '../network/roles';
import { openWallet } from '../../../client/src/wallet/wallet-file';
import { wallboxStation } from '../demo/demo-station';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Identity, Network } from '@hyperledger/fabric-gateway';
import type { JsonObject, JsonValue } from '../../../chaincode/src/protocol/json';
import type { AttestationPolicy } from '../../../chaincode/src/protocol/attestation';
import { fromHex, toHex } from '../../../chaincode/src/protocol/confidential/encoding';
import { signingKeyPair, type SigningKeyPair } from '../../../chaincode/src/protocol/confidential/primitives';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import { CONFIDENTIAL_CONTRACT, Confidential } from '../../../chaincode/src/protocol/confidential/api';
import { ConfidentialLedgerClient, TrustCache, type NetworkPort } from '../../../client/src/confidential';
import type { ContractPort } from '../../../client/src/confidential/gateway-ports';
import { openGateway, type GatewayConnection } from '../../../client/src/fabric/gateway-connection';
import {
  FabricLedgerClient,
  type LedgerArgs,
  type LedgerClient,
} from '../../../client/src/fabric/ledger-client';
import { newDevMeter, signReadings, type DevMeter } from '../../../client/src/meter/dev-meter';
import { localIdentity, type OrgName } from '../network/identities';
import type { Topology } from '../network/topology';
import { workerIdentity } from './bench-network';
import { onceEveryPeerHasIt } from '../lagging-peers';

export const MODES = ['plaintext', 'confidential'] as const;
export type Mode = (typeof MODES)[number];

// Figures of the workload (token minor units): 1 Wh per session at 3490.00 per kWh. Sessions settle
// right after they start, and settlement refuses more energy than the connector delivers in the
// signed time; one step of the Wh register is plausible even over no time at all.
const PRICE_PER_KWH = 349_000n;
const HOLD = 10_000n;
const SESSION_WH = 1;
const DRIVER_FUNDS = 1_000_000_000n;
/** Setup transactions in flight at once (stations, tariffs, mints). */
const SETUP_PARALLELISM = 8;

/** Gateway connections by cryptogen user, shared by both modes (same client path for both). */
export class Connections {
  readonly #t: Topology;
  readonly #open = new Map<string, GatewayConnection>();

  constructor(t: Topology) {
    this.#t = t;
  }

  network(org: OrgName, user: string): Network {
    return this.#connection(org, user).gateway.getNetwork(this.#t.channel);
  }

  /** The identity a user's connection submits with. */
  identity(org: OrgName, user: string): Identity {
    return this.#connection(org, user).gateway.getIdentity();
  }

  #connection(org: OrgName, user: string): GatewayConnection {
    const key = `${user}@${org}`;
    let connection = this.#open.get(key);
    if (connection === undefined) {
      connection = openGateway(localIdentity(this.#t, org, user));
      this.#open.set(key, connection);
    }
    return connection;
  }

  close(): void {
    for (const connection of this.#open.values()) connection.close();
    this.#open.clear();
  }
}

export interface ModeContext {
  readonly t: Topology;
  readonly connections: Connections;
  readonly policy: AttestationPolicy;
  /** One verified view of the enclaves for every confidential client of the run. */
  readonly trustCache: TrustCache;
  /** Short random id that keeps this run's stations and sessions apart from earlier runs'. */
  readonly runId: string;
  /**
   * What-if (client side, bench only): answer the confidential client's per-call key-status read
   * from a cache of this age instead of the ledger. Undefined: the client as shipped.
   */
  readonly keyStatusTtlMs?: number;
}

/**
 * A channel whose confidential contract answers `keyStatus` from a short-lived cache: models a client
 * that re-reads the key status only when it is older than `ttlMs` (the enclave refuses a request
 * for a stale epoch, so a rotation would cost one refused call). Everything else goes through.
 */
export function keyStatusCaching(network: Network, ttlMs: number): NetworkPort {
  const cache = new Map<string, { at: number; value: Promise<Uint8Array> }>();
  return {
    getName: () => network.getName(),
    getContract(chaincode: string, contractName?: string): ContractPort {
      const contract = network.getContract(chaincode, contractName);
      if (contractName !== CONFIDENTIAL_CONTRACT) return contract;
      return {
        newProposal: (name, options) => contract.newProposal(name, options),
        submitTransaction: (name, ...args) => contract.submitTransaction(name, ...args),
        evaluateTransaction(name, ...args) {
          if (name !== Confidential.keyStatus || args.length > 0)
            return contract.evaluateTransaction(name, ...args);
          const key = `${chaincode}/${name}`;
          const hit = cache.get(key);
          if (hit !== undefined && performance.now() - hit.at < ttlMs) return hit.value;
          const value = contract.evaluateTransaction(name);
          cache.set(key, { at: performance.now(), value });
          value.catch(() => {
            cache.delete(key);
          });
          return value;
        },
      };
    },
  };
}

/** A ledger session in the given mode over the identity's gateway connection. */
export function ledgerFor(
  ctx: ModeContext,
  mode: Mode,
  org: OrgName,
  user: string,
  wallet: SigningKeyPair = signingKeyPair(),
): LedgerClient {
  const network = ctx.connections.network(org, user);
  if (mode === 'plaintext') {
    return new FabricLedgerClient({ contract: network.getContract(ctx.t.chaincode, 'ledger') });
  }
  return new ConfidentialLedgerClient({
    network: ctx.keyStatusTtlMs === undefined ? network : keyStatusCaching(network, ctx.keyStatusTtlMs),
    identity: ctx.connections.identity(org, user),
    chaincode: ctx.t.chaincode,
    wallet,
    policy: ctx.policy,
    trustCache: ctx.trustCache,
  });
}

/** The roles the bench drives, connected as the network's cast connects them (network/roles.ts). */
type RoleName = Extract<Role, 'operator' | 'issuer' | 'host'>;
const ROLE_USERS: Readonly<Record<RoleName, { org: OrgName; user: string }>> = {
  operator: ROLE_IDENTITIES.operator,
  issuer: ROLE_IDENTITIES.issuer,
  host: ROLE_IDENTITIES.host,
};

/**
 * The confidential role wallets of the bench network, kept in its state folder (0600) so a kept
 * network can be benchmarked again by the same operator. The operator is the network's operator
 * role wallet: the genesis fixed it, and only it may initialize the ledger.
 */
async function roleWallets(t: Topology): Promise<Record<RoleName, SigningKeyPair>> {
  const file = join(t.stateDir, 'bench', 'role-wallets.json');
  let seeds: Partial<Record<RoleName, string>> = {};
  if (existsSync(file)) seeds = JSON.parse(readFileSync(file, 'utf8')) as Partial<Record<RoleName, string>>;
  const wallets = {} as Record<RoleName, SigningKeyPair>;
  for (const role of Object.keys(ROLE_USERS) as RoleName[]) {
    const seed = seeds[role];
    wallets[role] =
      seed === undefined
        ? signingKeyPair()
        : signingKeyPair(fromHex(seed, 'bench role wallet seed', 'INVALID_ARGUMENT', 32));
    seeds[role] = toHex(wallets[role].seed);
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(seeds)}\n`, { mode: 0o600 });
  await ensureRoleWallets(t);
  const operator = await openWallet(walletPaths.wallet(t, 'operator'), networkWalletPassphrase(t));
  return { ...wallets, operator: operator.keyPair };
}

/** One closed-loop worker: its driver session, its station and the station's meter. */
export interface Worker {
  readonly index: number;
  readonly mode: Mode;
  readonly ledger: LedgerClient;
  readonly stationId: string;
  readonly meter: DevMeter;
  /** Next OCMF pagination number of the meter (T<page>), increasing per record. */
  page: number;
  /** Meter register in Wh. */
  registerWh: number;
  sessions: number;
  /** A session whose start committed and whose stop did not (settled first on the next round). */
  pending?: { readonly sessionId: string; readonly startedAt: number };
}

/** Runs `jobs` with at most `parallelism` in flight. */
async function pool<T>(
  items: readonly T[],
  parallelism: number,
  job: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(parallelism, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await job(item);
    }
  });
  await Promise.all(lanes);
}

/**
 * Sets up one mode for `workers` workers: parameters and roles, a station with its own meter and
 * an energy tariff per worker, a funded driver per worker (each on its own gateway identity).
 */
export async function prepareMode(ctx: ModeContext, mode: Mode, workers: number): Promise<Worker[]> {
  const wallets = await roleWallets(ctx.t);
  const role = (name: RoleName): LedgerClient =>
    ledgerFor(ctx, mode, ROLE_USERS[name].org, ROLE_USERS[name].user, wallets[name]);
  const operator = role('operator');
  const issuer = role('issuer');
  const host = role('host');
  const params = {
    issuer: await issuer.whoami(),
    auditors: [await operator.whoami()],
    backends: [],
    feeBps: 1000,
    holdDefault: HOLD,
    holdMinimum: 1_000n,
    holdMaximum: 100_000n,
    holdExpirySeconds: 3600,
    disputeWindowSeconds: 60,
    // every worker's driver is funded once with more than one real top-up may be
    mintMaximum: DRIVER_FUNDS,
  };
  try {
    await operator.submit('initialize', params);
  } catch (error) {
    if (!(error instanceof EcarError && error.code === 'ALREADY_EXISTS')) throw error;
    await operator.submit('setParams', params);
  }
  const prefix = `b${ctx.runId}${mode === 'plaintext' ? 'p' : 'c'}`;
  const list: Worker[] = Array.from({ length: workers }, (_, index) => {
    const { org, user } = workerIdentity(index);
    return {
      index,
      mode,
      ledger: ledgerFor(ctx, mode, org, user),
      stationId: `${prefix}-s${index}`,
      meter: newDevMeter(`BENCH-${prefix.toUpperCase()}-${index}`),
      page: 1,
      registerWh: 1_000_000,
      sessions: 0,
    };
  });
  await pool(list, SETUP_PARALLELISM, async (w) => {
    await host.submit(
      'registerStation',
      wallboxStation({
        stationId: w.stationId,
        name: 'Bench wallbox, 11 kW',
        meter: w.meter,
        meterModel: 'bench-meter',
      }),
    );
    // A host-typed meter key settles nothing priced per kWh until the operator approves it.
    await onceEveryPeerHasIt(() =>
      operator.submit('approveMeter', { stationId: w.stationId, publicKey: w.meter.publicKeyHex }),
    );
    await host.submit('setTariff', {
      stationId: w.stationId,
      tariff: { elements: [{ price_components: [{ type: 'ENERGY', price: PRICE_PER_KWH, step_size: 1 }] }] },
    });
  });
  await pool(list, SETUP_PARALLELISM, async (w) => {
    await issuer.submit('mint', {
      account: await w.ledger.whoami(),
      amount: DRIVER_FUNDS,
      paymentRef: `${prefix}-m${w.index}`,
    });
  });
  return list;
}

/** One committed transaction as the workload saw it. */
export interface TxSample {
  readonly fn: 'startSession' | 'stopSession';
  /** performance.now() when the commit was observed. */
  readonly doneAt: number;
  readonly latencyMs: number;
  /** Submits it took (more than 1: MVCC read conflicts). */
  readonly attempts: number;
}

function numberField(value: JsonValue, key: string): number | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const found = (value as JsonObject)[key];
  return typeof found === 'number' ? found : undefined;
}

function kwh(wh: number): string {
  return `${Math.floor(wh / 1000)}.${String(wh % 1000).padStart(3, '0')}`;
}

async function timed(
  w: Worker,
  fn: TxSample['fn'],
  args: LedgerArgs,
  record: (sample: TxSample) => void,
): Promise<Awaited<ReturnType<LedgerClient['submit']>>> {
  const t0 = performance.now();
  const submitted = await w.ledger.submit(fn, args);
  const doneAt = performance.now();
  record({ fn, doneAt, latencyMs: doneAt - t0, attempts: submitted.attempts });
  return submitted;
}

async function settle(
  w: Worker,
  session: NonNullable<Worker['pending']>,
  record: (sample: TxSample) => void,
): Promise<void> {
  const beginWh = w.registerWh;
  const endWh = beginWh + SESSION_WH;
  const begin = signReadings(w.meter, w.page, [{ type: 'B', timeMs: session.startedAt, kwh: kwh(beginWh) }]);
  const end = signReadings(w.meter, w.page + 1, [
    { type: 'E', timeMs: Math.max(Date.now(), session.startedAt), kwh: kwh(endWh) },
  ]);
  // pages are used up even if the stop fails: a later stop must never reuse them
  w.page += 2;
  await timed(w, 'stopSession', { sessionId: session.sessionId, ocmf: [begin, end] }, record);
  w.registerWh = endWh;
  w.pending = undefined;
}

/** One charging session of the worker's driver: start (hold), then settle from signed meter records. */
export async function chargeOnce(w: Worker, record: (sample: TxSample) => void): Promise<void> {
  if (w.pending !== undefined) {
    await settle(w, w.pending, record);
    return;
  }
  const sessionId = `${w.stationId}-${w.sessions}`;
  w.sessions += 1;
  const started = await timed(
    w,
    'startSession',
    { sessionId, stationId: w.stationId, evseUid: 'evse-1', connectorId: '1' },
    record,
  );
  const startedAt = numberField(started.result, 'startedAt') ?? Date.now();
  w.pending = { sessionId, startedAt };
  await settle(w, w.pending, record);
}
