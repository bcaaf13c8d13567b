// The `ecar` command end to end as users drive it: spawned `node bin/ecar.js` processes with the
// profiles `deploy` generated (operator, issuer, auditor) and fresh wallets for a host and drivers,
// every role's main commands with exact figures, and the refusals: one line, exit 1, nothing written.
import { createPublicKey } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { displayMoney, TOKEN_DECIMALS } from '../../chaincode/src/protocol/units';
import { DEFAULT_POLICY } from '../../chaincode/src/protocol/attestation';
import { policyFile, readNetworkPolicy } from '../../scripts/src/network/confidential-setup';
import { networkWalletPassphrase, walletPaths } from '../../scripts/src/network/roles';
import { chainHeight } from '../support/chain-height';
import { E2E_CLOCK_SKEW_MS, e2eNetwork } from '../support/e2e-network';
import { errorLines, runEcar, type EcarEnv, type EcarRun } from '../support/ecar-cli';
import { newTestMeter, signReadings, type TestMeter } from '../support/ledger-actors';
import { safeXmlExport } from '../../client/src/meter/safe-xml-write';

// Figures of the story, token minor units unless named otherwise.
const FEE_BPS = 1_000n;
const HOLD_DEFAULT = 20_000n;
// long enough for the steps between settlement and the in-window checks on a busy machine
const DISPUTE_WINDOW_SECONDS = 90;
const MINTED = 100_000n;
const NO_SHOW_FEE = 2_000n;
// A steep price per kWh: the test can wait only seconds, and what an 11 kW wallbox delivers in that
// time must cost about what an evening's charge does (settlement refuses implausible energy).
const PRICE_PER_KWH = 3_490_000n;
const HOLD_1 = 60_000n;
const HOLD_2 = 30_000n;
const REFUND = 10_000n;
const READINGS_1 = { begin: '1520.400', end: '1520.412' }; // 12 Wh: 3.93 s at 11 kW
const READINGS_2 = { begin: '1520.412', end: '1520.420' }; // 8 Wh: 2.62 s at 11 kW
const CHARGE_MS = 5_000;

/** Minor units as the tokens a person types (3490 → "34.90"). */
const tokens = (minor: bigint): string => displayMoney(minor, TOKEN_DECIMALS);

/** Whole Wh between two exact kWh register texts (the test's own arithmetic). */
function wh(readings: { readonly begin: string; readonly end: string }): bigint {
  const milli = (kwh: string): bigint => {
    const [whole = '0', fraction = ''] = kwh.split('.');
    return BigInt(whole) * 1000n + BigInt(fraction.padEnd(3, '0'));
  };
  return milli(readings.end) - milli(readings.begin);
}

// ENERGY with step_size 1 Wh: whole Wh billed, the money rounded down once; the fee likewise.
const PRICE_1 = (wh(READINGS_1) * PRICE_PER_KWH) / 1000n;
const PRICE_2 = (wh(READINGS_2) * PRICE_PER_KWH) / 1000n;
const FEE_1 = (PRICE_1 * FEE_BPS) / 10_000n;
const FEE_2 = (PRICE_2 * FEE_BPS) / 10_000n;
const EARNING_1 = PRICE_1 - FEE_1;
const EARNING_2 = PRICE_2 - FEE_2;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function at(value: Json, ...path: string[]): Json {
  let current = value;
  for (const key of path) {
    expect(current, `${path.join('.')}: an object at ${key}`)
      .to.be.an('object')
      .and.not.be.an('array');
    current = (current as Record<string, Json>)[key] ?? null;
  }
  return current;
}

/** A money field: a decimal string of minor units. */
function money(value: Json, ...path: string[]): bigint {
  const text = at(value, ...path);
  expect(text, path.join('.'))
    .to.be.a('string')
    .and.match(/^-?[0-9]+$/);
  return BigInt(text as string);
}

/** Who runs a command: an ECAR_HOME, a wallet passphrase and a profile (by --profile, ECAR_PROFILE or default). */
interface User {
  readonly env: EcarEnv;
  /** Passed as --profile (else ECAR_PROFILE from env, else the config's default profile). */
  readonly flag?: string;
}

function describeRun(args: readonly string[], run: EcarRun): string {
  return `ecar ${args.join(' ')} → exit ${String(run.status)}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`;
}

async function ecar(user: User, args: readonly string[]): Promise<EcarRun> {
  return runEcar([...args, ...(user.flag === undefined ? [] : ['--profile', user.flag])], user.env);
}

/** Runs a command with --json; it must exit 0 and print one JSON document. */
async function ok(user: User, args: readonly string[]): Promise<Json> {
  const run = await ecar(user, [...args, '--json']);
  expect(run.status, describeRun(args, run)).to.equal(0);
  return JSON.parse(run.stdout) as Json;
}

/**
 * Runs a command that must be refused: exit 1, nothing on stdout, and exactly one `ecar:` line on
 * stderr (progress lines like "submitting mint… failed" may precede it); returns that line.
 */
async function refused(user: User, args: readonly string[]): Promise<string> {
  const run = await ecar(user, args);
  expect(run.status, describeRun(args, run)).to.equal(1);
  expect(run.stdout, describeRun(args, run)).to.equal('');
  const lines = errorLines(run);
  expect(lines, describeRun(args, run)).to.have.length(1);
  expect(run.stderr).not.to.match(/\n\s+at /); // no stack without --verbose
  return lines[0] ?? '';
}

/** The same refusal with --json: exit 1, {ok: false, code, error} on stdout; returns the code. */
async function refusedJson(user: User, args: readonly string[]): Promise<string> {
  const run = await ecar(user, [...args, '--json']);
  expect(run.status, describeRun(args, run)).to.equal(1);
  const answer = JSON.parse(run.stdout) as Json;
  expect(at(answer, 'ok')).to.equal(false);
  return at(answer, 'code') as string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

describe('ecar CLI on the network (node bin/ecar.js with confidential profiles)', () => {
  const t = e2eNetwork().topology;
  const run = Date.now().toString(36);
  const stationId = `cli-st-${run}`;
  const meter: TestMeter = newTestMeter(`CLI-METER-${run}`);
  const USER_PASSPHRASE = `cli e2e ${run}`;
  const homes: string[] = [];
  const ids: Record<string, string> = {};
  let home = '';
  let operator: User;
  let issuer: User;
  let auditor: User;
  let host: User;
  let driver: User;
  let poorDriver: User;
  let baseline: Json;
  let disputeUntil1 = 0;
  let driverWallet = '';

  /** A private ECAR_HOME holding a copy of the profiles `deploy` generated. */
  function copyOfGeneratedHome(): string {
    const dir = mkdtempSync(join(tmpdir(), 'ecar-cli-e2e-'));
    homes.push(dir);
    copyFileSync(join(walletPaths.ecarHome(t), 'config.json'), join(dir, 'config.json'));
    return dir;
  }

  async function whoami(user: User): Promise<string> {
    const id = at(await ok(user, ['whoami']), 'callerId');
    expect(id)
      .to.be.a('string')
      .and.match(/^w:[0-9a-f]{64}$/);
    return id as string;
  }

  async function balanceOf(account: string): Promise<Json> {
    return ok(auditor, ['audit', 'account', '--account', account]);
  }

  /** Everything a refused command could have touched: the wallets' buckets, the totals, the chain. */
  async function snapshot(): Promise<string> {
    const parts = [
      await balanceOf(ids.driver ?? ''),
      await balanceOf(ids.poorDriver ?? ''),
      await balanceOf(ids.host ?? ''),
      await ok(auditor, ['audit', 'totals']),
      await chainHeight(t),
    ];
    return JSON.stringify(parts);
  }

  async function expectNothingWritten(command: () => Promise<void>): Promise<void> {
    const before = await snapshot();
    await command();
    expect(await snapshot(), 'nothing is written by a refused command').to.equal(before);
  }

  before(async function () {
    this.timeout(120_000);
    home = copyOfGeneratedHome();
    const network: EcarEnv = { home, passphrase: networkWalletPassphrase(t) };
    const users: EcarEnv = { home, passphrase: USER_PASSPHRASE };
    operator = { env: network, flag: 'operator' };
    issuer = { env: { ...network, profile: 'issuer' } };
    auditor = { env: network, flag: 'auditor' };
    host = { env: { ...users, profile: 'host' } };
    driver = { env: users }; // the default profile of the generated config
    poorDriver = { env: users, flag: 'poor' };

    // the host and the drivers get fresh wallets of their own (the generated driver and host
    // profiles keep their Fabric identities); the poor driver a whole new profile via ecar init
    for (const name of ['driver', 'host']) {
      await ok({ env: users }, ['init', '--profile', name, '--wallet', join('wallets', `${name}.json`)]);
    }
    const config = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8')) as {
      defaultProfile: string;
      profiles: Record<string, Record<string, string>>;
    };
    expect(config.defaultProfile).to.equal('driver');
    driverWallet = config.profiles.driver?.wallet ?? '';
    const hostSettings = config.profiles.host ?? {};
    await ok({ env: users }, [
      'init',
      '--profile',
      'poor',
      ...['--endpoint', hostSettings.endpoint ?? '', '--tls-root-cert', hostSettings.tlsRootCert ?? ''],
      ...['--tls-server-name', hostSettings.tlsServerName ?? '', '--msp-id', hostSettings.mspId ?? ''],
      ...['--certificate', hostSettings.certificate ?? '', '--private-key', hostSettings.privateKey ?? ''],
      ...['--policy', policyFile(t)],
    ]);
    for (const user of [driver, host, poorDriver]) {
      const created = await ok(user, ['wallet', 'create']);
      expect(at(created, 'file')).to.match(/wallets[/\\](driver|host|poor)\.json$/);
    }
    const cast = { operator, issuer, auditor, host, driver, poorDriver };
    for (const [role, user] of Object.entries(cast)) ids[role] = await whoami(user);
    ids.backend = await whoami({ env: network, flag: 'backend' });
    expect(new Set(Object.values(ids)).size).to.equal(7);
  });

  after(() => {
    for (const dir of homes) rmSync(dir, { recursive: true, force: true });
  });

  describe('operator', () => {
    it('operator init names the issuer, auditor and backend; params show reads them back', async () => {
      const params = [
        ...['--issuer', ids.issuer ?? '', '--auditor', ids.auditor ?? '', '--backend', ids.backend ?? ''],
        ...['--fee-bps', FEE_BPS.toString(), '--hold-default', tokens(HOLD_DEFAULT)],
        ...['--hold-min', '10', '--hold-max', '1000.00', '--hold-expiry', '3600'],
        ...['--dispute-window', String(DISPUTE_WINDOW_SECONDS)],
      ];
      const init = await ecar(operator, ['operator', 'init', ...params, '--json']);
      let result: Json;
      if (init.status === 0) {
        result = at(JSON.parse(init.stdout) as Json, 'result');
      } else {
        // another suite initialised this network first, with the same (the network's) operator wallet
        expect(at(JSON.parse(init.stdout) as Json, 'code'), describeRun(['operator', 'init'], init)).to.equal(
          'ALREADY_EXISTS',
        );
        result = at(await ok(operator, ['operator', 'params', 'set', ...params]), 'result');
      }
      expect(at(result, 'operator')).to.equal(ids.operator);
      expect(at(result, 'issuer')).to.equal(ids.issuer);

      const shown = await ok(driver, ['operator', 'params', 'show']);
      expect(at(shown, 'operator')).to.equal(ids.operator);
      expect(at(shown, 'issuer')).to.equal(ids.issuer);
      expect(at(shown, 'auditors')).to.deep.equal([ids.auditor]);
      expect(at(shown, 'backends')).to.deep.equal([ids.backend]);
      expect(at(shown, 'feeBps')).to.equal(Number(FEE_BPS));
      expect(money(shown, 'holdDefault')).to.equal(HOLD_DEFAULT);
      expect(at(shown, 'disputeWindowSeconds')).to.equal(DISPUTE_WINDOW_SECONDS);

      const human = await ecar(operator, ['operator', 'params', 'show']);
      expect(human.status).to.equal(0);
      expect(human.stdout).to.include(`dispute window:    ${DISPUTE_WINDOW_SECONDS} s`);

      baseline = await ok(auditor, ['audit', 'totals']);
      expect(at(baseline, 'balanced')).to.equal(true);
    });
  });

  describe('issuer', () => {
    it('mint credits the driver once per payment reference; minting it again is a replay', async () => {
      const mint = ['issuer', 'mint', '--account', ids.driver ?? '', '--amount', tokens(MINTED)];
      const first = await ok(issuer, [...mint, '--payment-ref', `psp-${run}`]);
      expect(at(first, 'result', 'replayed')).to.equal(false);
      expect(money(first, 'result', 'amount')).to.equal(MINTED);
      const again = await ok(issuer, [...mint, '--payment-ref', `psp-${run}`]);
      expect(at(again, 'result', 'replayed')).to.equal(true);
      expect(at(again, 'result', 'txId')).to.equal(at(first, 'transactionId'));

      const balance = await ok(driver, ['balance']);
      expect(money(balance, 'purchased')).to.equal(MINTED);
      expect(money(balance, 'total')).to.equal(MINTED);
      const human = await ecar(issuer, [...mint, '--payment-ref', `psp-${run}`]);
      expect(human.status).to.equal(0);
      expect(human.stdout).to.include('(already minted earlier: nothing new credited)');
    });
  });

  describe('host', () => {
    it('station register, pin-meter with the test meter key, operator approve-meter, tariff set; station mine lists it', async () => {
      const registered = await ok(host, [
        'station',
        'register',
        ...['--id', stationId, '--name', 'CLI driveway wallbox', '--country', 'DE', '--city', 'Berlin'],
        ...['--postal-code', '10115', '--lat', '52.53', '--lon', '13.38', '--street', 'Invalidenstrasse'],
        ...['--house-number', '117', '--directions', 'gate on the left', '--max-power', '11000'],
        ...['--noshow-fee', tokens(NO_SHOW_FEE), '--cancel-before', '10', '--max-duration', '120'],
      ]);
      expect(at(registered, 'result', 'host')).to.equal(ids.host);
      expect(at(registered, 'result', 'status')).to.equal('AVAILABLE');

      const pem = createPublicKey(meter.privateKey).export({ format: 'pem', type: 'spki' });
      writeFileSync(join(home, 'meter.pem'), pem);
      const pinned = await ok(host, [
        'station',
        'pin-meter',
        ...['--station', stationId, '--vendor', 'ecar', '--model', 'cli-e2e', '--serial', meter.serial],
        ...['--public-key', 'meter.pem'],
      ]);
      expect(at(pinned, 'result', 'meter', 'publicKey')).to.equal(meter.publicKeyHex);
      expect(at(pinned, 'result', 'meter', 'signatureMethod')).to.equal('ECDSA-secp256r1-SHA256');
      expect(at(pinned, 'result', 'meterVerification')).to.equal('UNVERIFIED');
      // A key the host typed in settles nothing per kWh until the operator approves it.
      const approved = await ok(operator, [
        'operator',
        'approve-meter',
        ...['--station', stationId, '--public-key', meter.publicKeyHex],
      ]);
      expect(at(approved, 'result', 'meterVerification')).to.equal('OPERATOR');
      const shownStation = await ecar(driver, ['station', 'show', '--station', stationId]);
      expect(shownStation.stdout).to.include('verified: approved by the operator');

      const tariff = await ok(host, [
        'tariff',
        'set',
        '--station',
        stationId,
        '--energy',
        tokens(PRICE_PER_KWH),
      ]);
      expect(at(tariff, 'result', 'version')).to.equal(1);
      expect(at(tariff, 'result', 'tariff', 'elements')).to.deep.equal([
        { price_components: [{ price: PRICE_PER_KWH.toString(), step_size: 1, type: 'ENERGY' }] },
      ]);

      const mine = (await ok(host, ['station', 'mine'])) as Json[];
      expect(mine.map((s) => at(s, 'id'))).to.deep.equal([stationId]);
      expect(at(mine[0] ?? null, 'tariffVersion')).to.equal(1);
    });

    it('a payout needs a destination: refused without one, then host payout-destination set', async () => {
      expect(await refused(host, ['host', 'payout', '--amount', '1'])).to.include(
        'ecar host payout-destination set',
      );
      await ok(host, ['host', 'payout-destination', 'set', '--iban', 'DE89 3704 0044 0532 0130 00']);
    });
  });

  describe('driver', () => {
    it('balance and station search: the station is found at its price, not below it', async () => {
      const search = ['station', 'search', '--country', 'DE', '--city', 'Berlin', '--limit', '100'];
      const found = (await ok(driver, [...search, '--max-price-kwh', tokens(PRICE_PER_KWH)])) as Json[];
      const ours = found.filter((s) => at(s, 'id') === stationId);
      expect(ours).to.have.length(1);
      expect(at(ours[0] ?? null, 'tariff', 'elements')).to.deep.equal([
        { price_components: [{ price: PRICE_PER_KWH.toString(), step_size: 1, type: 'ENERGY' }] },
      ]);
      expect(at(ours[0] ?? null, 'location')).not.to.have.property('street'); // the address is sealed
      const cheaper = (await ok(driver, [
        ...search,
        '--max-price-kwh',
        tokens(PRICE_PER_KWH - 1n),
      ])) as Json[];
      expect(cheaper.map((s) => at(s, 'id'))).not.to.include(stationId);
    });

    it('booking create holds the no-show fee; station address then shows the sealed address', async () => {
      const now = Date.now();
      const iso = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;
      const create = [
        'booking',
        'create',
        ...['--station', stationId, '--evse', 'EVSE-1', '--booking-id', `bk-${run}`],
        ...['--from', iso(now + 5 * 60_000), '--to', iso(now + 65 * 60_000)],
      ];
      // inside the 10-minute free-cancel window: refused until the driver accepts the fee risk
      expect(await refused(driver, create)).to.include('--accept-no-free-cancel');
      const booked = await ok(driver, [...create, '--accept-no-free-cancel']);
      expect(at(booked, 'result', 'status')).to.equal('CONFIRMED');
      expect(at(booked, 'result', 'freeCancellation')).to.equal(false);
      const listed = (await ok(driver, ['booking', 'list'])) as Json[];
      expect(listed.map((b) => at(b, 'id'))).to.include(`bk-${run}`);
      expect(at(await ok(driver, ['booking', 'show', '--booking', `bk-${run}`]), 'status')).to.equal(
        'CONFIRMED',
      );
      expect(money(booked, 'result', 'noShowFee')).to.equal(NO_SHOW_FEE);
      const balance = await ok(driver, ['balance']);
      expect(money(balance, 'purchased')).to.equal(MINTED - NO_SHOW_FEE);
      expect(money(balance, 'held', 'bookings')).to.equal(NO_SHOW_FEE);

      const address = await ok(driver, ['station', 'address', '--station', stationId]);
      expect(address).to.deep.equal({
        stationId,
        street: 'Invalidenstrasse',
        houseNumber: '117',
        postalCode: '10115',
        city: 'Berlin',
        country: 'DE',
        directions: 'gate on the left',
      });
    });

    it('session start uses the booking: its fee is released and the chosen hold is held', async () => {
      const started = await ok(driver, [
        'session',
        'start',
        ...['--station', stationId, '--evse', 'EVSE-1', '--connector', '1'],
        ...['--hold', tokens(HOLD_1), '--session-id', `s1-${run}`],
      ]);
      expect(at(started, 'result', 'status')).to.equal('ACTIVE');
      expect(at(started, 'result', 'bookingId')).to.equal(`bk-${run}`);
      expect(money(started, 'result', 'holdAmount')).to.equal(HOLD_1);
      const balance = await ok(driver, ['balance']);
      expect(money(balance, 'purchased')).to.equal(MINTED - HOLD_1);
      expect(money(balance, 'held', 'sessions')).to.equal(HOLD_1);
      expect(money(balance, 'held', 'bookings')).to.equal(0n);
    });

    it('session stop --ocmf with the meter-signed begin and end records settles exactly', async () => {
      const session = await ok(driver, ['session', 'show', '--session', `s1-${run}`]);
      const startedAt = at(session, 'startedAt') as number;
      await sleep(Math.max(0, startedAt + CHARGE_MS - Date.now())); // charging takes time
      const begin = signReadings(meter, 1, [{ type: 'B', timeMs: startedAt, kwh: READINGS_1.begin }]);
      const end = signReadings(meter, 2, [{ type: 'E', timeMs: Date.now(), kwh: READINGS_1.end }]);
      const settled = await ok(driver, [
        'session',
        'stop',
        ...['--session', `s1-${run}`, '--ocmf', begin, '--ocmf', end],
      ]);
      expect([PRICE_1, FEE_1, EARNING_1]).to.deep.equal([41_880n, 4_188n, 37_692n]);
      const cdr = at(settled, 'result', 'cdr');
      expect(money(cdr, 'totalEnergyMilliWh')).to.equal(wh(READINGS_1) * 1000n);
      expect(money(cdr, 'totalCost')).to.equal(PRICE_1);
      expect(money(cdr, 'captured')).to.equal(PRICE_1);
      expect(money(cdr, 'uncollected')).to.equal(0n);
      expect(money(cdr, 'platformFee')).to.equal(FEE_1);
      expect(money(cdr, 'hostEarning')).to.equal(EARNING_1);
      expect(at(cdr, 'meterSerial')).to.equal(meter.serial);
      disputeUntil1 = at(cdr, 'disputeUntil') as number;

      const shown = await ok(driver, ['session', 'show', '--session', `s1-${run}`]);
      expect(at(shown, 'status')).to.equal('COMPLETED');
      expect(at(shown, 'cdrId')).to.equal(`s1-${run}`);
      const balance = await ok(driver, ['balance']);
      expect(money(balance, 'purchased')).to.equal(MINTED - PRICE_1);
      expect(money(balance, 'held', 'sessions')).to.equal(0n);
      const cdrs = (await ok(driver, ['cdr', 'list'])) as Json[];
      expect(cdrs.map((c) => [at(c, 'id'), at(c, 'totalCost')])).to.deep.equal([
        [`s1-${run}`, PRICE_1.toString()],
      ]);
    });

    it('session stop --xml settles from a S.A.F.E. export; dispute open within the window; rate', async () => {
      const started = await ok(driver, [
        'session',
        'start',
        ...['--station', stationId, '--evse', 'EVSE-1', '--connector', '1'],
        ...['--hold', tokens(HOLD_2), '--session-id', `s2-${run}`],
      ]);
      expect(at(started, 'result', 'bookingId')).to.equal(null);
      const startedAt = at(started, 'result', 'startedAt') as number;
      await sleep(Math.max(0, startedAt + CHARGE_MS - Date.now()));
      const xml = safeXmlExport(`s2-${run}`, [
        {
          context: 'Transaction.Begin',
          record: signReadings(meter, 3, [{ type: 'B', timeMs: startedAt, kwh: READINGS_2.begin }]),
          publicKeyHex: meter.publicKeyHex,
        },
        {
          context: 'Transaction.End',
          record: signReadings(meter, 4, [{ type: 'E', timeMs: Date.now(), kwh: READINGS_2.end }]),
          publicKeyHex: meter.publicKeyHex,
        },
      ]);
      writeFileSync(join(home, 'wallbox-export.xml'), xml);
      const verified = await ok(driver, ['meter', 'verify', '--xml', 'wallbox-export.xml']);
      expect(at(verified, 'validCount')).to.equal(2);

      const settled = await ok(driver, [
        'session',
        'stop',
        '--session',
        `s2-${run}`,
        '--xml',
        'wallbox-export.xml',
      ]);
      expect([PRICE_2, FEE_2, EARNING_2]).to.deep.equal([27_920n, 2_792n, 25_128n]);
      const cdr = at(settled, 'result', 'cdr');
      expect(money(cdr, 'totalEnergyMilliWh')).to.equal(wh(READINGS_2) * 1000n);
      expect(money(cdr, 'totalCost')).to.equal(PRICE_2);
      expect(money(cdr, 'platformFee')).to.equal(FEE_2);
      expect(money(cdr, 'hostEarning')).to.equal(EARNING_2);

      const disputed = await ok(driver, [
        'dispute',
        'open',
        ...['--session', `s2-${run}`, '--reason', 'the car got less than the meter says'],
      ]);
      expect(at(disputed, 'result', 'status')).to.equal('OPEN');
      const rated = await ok(driver, ['rate', '--session', `s1-${run}`, '--score', '5', '--comment', 'easy']);
      expect(at(rated, 'result')).to.deep.include({ party: 'DRIVER', score: 5, sessionId: `s1-${run}` });

      const balance = await ok(driver, ['balance']);
      expect(money(balance, 'purchased')).to.equal(MINTED - PRICE_1 - PRICE_2);
      expect(money(balance, 'total')).to.equal(MINTED - PRICE_1 - PRICE_2);
      const cdrs = (await ok(driver, ['cdr', 'list'])) as Json[];
      expect(cdrs.map((c) => at(c, 'id')).sort()).to.deep.equal([`s1-${run}`, `s2-${run}`]);
    });
  });

  describe('host earnings and payout', () => {
    // Whether an earning is still inside its window depends on the clock, so nothing here asserts
    // "still inside": the rule itself is tested with time the test controls (test/unit/domain:
    // accounts, payouts, forged-time). What the CLI shows holds at any time: the disputed earning
    // stays frozen, unclaimed earnings stay in the locked bucket until a claim or payout moves them,
    // and a payout above what could be payable is refused in users' terms, writing nothing.
    it('earnings stay locked until claimed (the disputed one frozen); a payout above them is refused', async () => {
      const earnings = await ok(host, ['host', 'earnings']);
      expect(money(earnings, 'earned', 'locked')).to.equal(EARNING_1);
      expect(money(earnings, 'earned', 'frozen')).to.equal(EARNING_2);
      expect(money(earnings, 'earned', 'payable')).to.equal(0n);
      await expectNothingWritten(async () => {
        const line = await refused(host, ['host', 'payout', '--amount', tokens(EARNING_1 + EARNING_2)]);
        expect(line).to.match(
          new RegExp(
            `^ecar: not enough payable earnings: ${tokens(EARNING_1 + EARNING_2).replace('.', '\\.')} tokens asked, (0\\.00|${tokens(EARNING_1).replace('.', '\\.')}) payable; lower --amount, or claim earnings whose dispute window closed \\(ecar host claim, ecar host earnings\\)$`,
          ),
        );
      });
    });

    it('after the window: payout (claiming first) to the sealed IBAN the issuer lists, confirmed (the tokens are burned)', async () => {
      // deadlines keep the enclaves' clock-skew window as a margin
      const wait = disputeUntil1 + E2E_CLOCK_SKEW_MS - Date.now() + 1_500;
      if (wait > 0) await sleep(wait);
      const shown = await ok(host, ['host', 'payout-destination', 'show']);
      expect(at(shown, 'masked')).to.equal(`${'*'.repeat(18)}3000`);
      const payoutId = `po-${run}`;
      const requested = await ok(host, [
        'host',
        'payout',
        '--amount',
        tokens(EARNING_1),
        '--payout-id',
        payoutId,
      ]);
      expect(at(requested, 'result', 'status')).to.equal('PENDING');
      // the payout claimed the earning whose dispute window closed
      expect(money(requested, 'result', 'claimedNow')).to.equal(EARNING_1);
      const listed = (await ok(issuer, ['issuer', 'payout', 'list'])) as Json[];
      const row = listed.find((p) => at(p, 'payoutId') === payoutId) ?? null;
      expect(at(row, 'destination', 'value')).to.equal('DE89370400440532013000');
      const pending = await ok(host, ['host', 'earnings']);
      expect(money(pending, 'earned', 'payable')).to.equal(0n);
      expect(money(pending, 'held', 'payouts')).to.equal(EARNING_1);

      const confirmed = await ok(issuer, [
        'issuer',
        'payout',
        'confirm',
        ...['--account', ids.host ?? '', '--payout-id', payoutId],
      ]);
      expect(at(confirmed, 'result', 'status')).to.equal('CONFIRMED');
      expect(money(confirmed, 'result', 'amount')).to.equal(EARNING_1);
      const after = await ok(host, ['host', 'earnings']);
      expect(money(after, 'held', 'payouts')).to.equal(0n);
      expect(money(after, 'total')).to.equal(EARNING_2);
    });

    it('the operator resolves the dispute with a partial refund to the driver', async () => {
      const resolved = await ok(operator, [
        'operator',
        'dispute',
        'resolve',
        ...['--session', `s2-${run}`, '--refund', tokens(REFUND)],
      ]);
      expect(at(resolved, 'result', 'dispute', 'status')).to.equal('RESOLVED');
      expect(money(resolved, 'result', 'creditCdr', 'totalCost')).to.equal(-REFUND);
      const balance = await ok(driver, ['balance']);
      expect(money(balance, 'purchased')).to.equal(MINTED - PRICE_1 - PRICE_2 + REFUND);
      const earnings = await ok(host, ['host', 'earnings']);
      expect(money(earnings, 'earned', 'frozen')).to.equal(0n);
      expect(money(earnings, 'total')).to.equal(EARNING_2 - REFUND);
    });
  });

  describe('auditor', () => {
    it('audit totals balance, with exactly this story added since initialisation', async () => {
      const now = await ok(auditor, ['audit', 'totals']);
      expect(at(now, 'balanced')).to.equal(true);
      const delta = (name: string): bigint => money(now, name) - money(baseline, name);
      expect(delta('minted')).to.equal(MINTED);
      expect(delta('burned')).to.equal(EARNING_1);
      expect(delta('purchased')).to.equal(MINTED - PRICE_1 - PRICE_2 + REFUND); // 40200
      expect(delta('platformFees')).to.equal(FEE_1 + FEE_2); // 6839
      expect(delta('earnedLocked')).to.equal(EARNING_2 - REFUND); // 12788
      for (const name of ['earnedPayable', 'heldSessions', 'heldBookings', 'pendingPayouts']) {
        expect(delta(name), name).to.equal(0n);
      }
      expect(delta('buckets')).to.equal(MINTED - EARNING_1); // 61224
      const human = await ecar(auditor, ['audit', 'totals']);
      expect(human.status).to.equal(0);
      expect(human.stdout).to.include('balanced:         yes (minted - burned = all buckets)');
    });

    it('a driver may not read the totals: one line saying which profile to use', async () => {
      const line = await refused(driver, ['audit', 'totals']);
      expect(line).to.match(
        /^ecar: not allowed: .*; run it with the profile of the (auditor|operator)'s wallet \(--profile NAME\) \('driver' is not\), or ask the operator to name your account \(ecar whoami\)$/,
      );
    });
  });

  describe('refusals: one line on stderr, exit 1, nothing written', () => {
    const startArgs = (station: string, sessionId: string): string[] => [
      'session',
      'start',
      ...['--station', station, '--evse', 'EVSE-1', '--connector', '1', '--session-id', sessionId],
    ];

    it('a wrong wallet passphrase: nothing is sent and the wallet file is unchanged', async () => {
      const walletFile = driverWallet;
      const walletBefore = readFileSync(walletFile);
      const wrong: User = { env: { ...driver.env, passphrase: 'not the passphrase' } };
      await expectNothingWritten(async () => {
        const line = await refused(wrong, startArgs(stationId, `s-wrong-${run}`));
        expect(line).to.equal(
          `ecar: wrong passphrase for the wallet ${walletFile} (or its sealed secret was changed); nothing was changed`,
        );
      });
      expect(readFileSync(walletFile)).to.deep.equal(walletBefore);
      expect(await refusedJson(driver, ['session', 'show', '--session', `s-wrong-${run}`])).to.equal(
        'NOT_FOUND',
      );
    });

    it('a driver without tokens cannot start a session (INSUFFICIENT_FUNDS)', async () => {
      await expectNothingWritten(async () => {
        const line = await refused(poorDriver, startArgs(stationId, `s-poor-${run}`));
        expect(line).to.match(
          /^ecar: not enough tokens: top up with the issuer or lower --hold \(.*200\.00 purchased tokens.*\)$/,
        );
      });
      expect(await refusedJson(poorDriver, startArgs(stationId, `s-poor-${run}`))).to.equal(
        'INSUFFICIENT_FUNDS',
      );
      expect(await refusedJson(poorDriver, ['session', 'show', '--session', `s-poor-${run}`])).to.equal(
        'NOT_FOUND',
      );
      const balance = await ok(poorDriver, ['balance']);
      expect(money(balance, 'total')).to.equal(0n);
    });

    it('a station that does not exist: the message names it and where to look', async () => {
      await expectNothingWritten(async () => {
        const line = await refused(driver, startArgs(`no-such-${run}`, `s-none-${run}`));
        expect(line).to.equal(
          `ecar: no station 'no-such-${run}': check the id (ecar station search, ecar session list, ecar cdr list)`,
        );
      });
      expect(await refusedJson(driver, ['station', 'address', '--station', `no-such-${run}`])).to.equal(
        'NOT_FOUND',
      );
    });

    it('enclaves the policy refuses (the production default: no simulated SGX): refused before sending', async () => {
      const strict = copyOfGeneratedHome();
      const policy = join(strict, 'production-policy.json');
      writeFileSync(
        policy,
        // Intel's checks only, pinned to the build the network runs: simulated evidence is refused
        `${JSON.stringify({ ...DEFAULT_POLICY, measurements: readNetworkPolicy(t).measurements }, null, 2)}\n`,
      );
      const strictIssuer: User = {
        env: { home: strict, passphrase: networkWalletPassphrase(t) },
        flag: 'issuer',
      };
      await ok(strictIssuer, ['init', '--policy', policy]);
      const mint = [
        'issuer',
        'mint',
        '--account',
        ids.driver ?? '',
        '--amount',
        '50.00',
        '--payment-ref',
        `psp-strict-${run}`,
      ];
      await expectNothingWritten(async () => {
        const line = await refused(strictIssuer, mint);
        expect(line).to.match(
          /^ecar: attestation refused, your request was not sent: enclave [0-9a-f]{8}… of Org[12]MSP: simulated evidence/,
        );
        expect(line).to.match(/\(and [0-9]+ more: ecar attest status --profile issuer\)/);
        expect(line.slice(-`; check your policy file (${policy})`.length), line).to.equal(
          `; check your policy file (${policy})`,
        );
      });
      expect(await refusedJson(strictIssuer, mint)).to.equal('ATTESTATION_POLICY_REJECTED');
      const status = await ecar(strictIssuer, ['attest', 'status']);
      expect(status.status).to.equal(1);
      expect(status.stdout).to.include('trusted:           NO');
      expect(errorLines(status)).to.have.length(1);
      expect(errorLines(status)[0]).to.match(/^ecar: the enclaves are not trusted: /);
    });

    it('a gateway that cannot be reached: the message says so and how to check', async () => {
      const offline = copyOfGeneratedHome();
      const port = await freePort();
      const offlineDriver: User = { env: { home: offline, passphrase: networkWalletPassphrase(t) } };
      await ok(offlineDriver, ['init', '--profile', 'driver', '--endpoint', `127.0.0.1:${port}`]);
      await expectNothingWritten(async () => {
        const line = await refused(offlineDriver, startArgs(stationId, `s-offline-${run}`));
        expect(line).to.equal(
          `ecar: cannot reach the gateway at 127.0.0.1:${port}: is the network running? (npm run network -- status)`,
        );
      });
      expect(await refusedJson(offlineDriver, ['balance'])).to.equal('GATEWAY_UNAVAILABLE');
    });
  });

  describe('--help', () => {
    for (const command of [
      ['session', 'stop'],
      ['station', 'register'],
      ['issuer', 'mint'],
      ['operator', 'init'],
      ['audit', 'totals'],
    ]) {
      it(`ecar ${command.join(' ')} --help exits 0 with an example`, async () => {
        const help = await runEcar([...command, '--help'], { home });
        expect(help.status, help.stderr).to.equal(0);
        expect(help.stdout).to.match(/^Usage: ecar /);
        expect(help.stdout).to.match(/\nExamples?:\n/);
        expect(help.stdout).to.include(`$ ecar ${command.join(' ')} `);
      });
    }
  });
});
