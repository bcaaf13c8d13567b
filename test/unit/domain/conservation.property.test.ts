// Property: under random sequences of mint / start / stop / release / payout / dispute / booking /
// transfer operations, the sum of all buckets of all accounts equals minted - burned after every
// step, no bucket goes negative, and a failed operation writes nothing.
import { expect } from 'chai';
import fc from 'fast-check';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import {
  AUDITOR,
  BACKEND,
  field,
  HOST,
  HOST2,
  ISSUER,
  meterArgs,
  meterRecords,
  MINUTE,
  OPERATOR,
  paramsArgs,
  stationArgs,
  testAccount,
} from '../../support/builders';
import { TestLedger } from '../../support/ledger';
import { signingMeter } from '../../support/signing-meter';

const DRIVERS = [testAccount('drv-a'), testAccount('drv-b'), testAccount('drv-c')] as const;
const HOSTS = [HOST, HOST2] as const;
const STATIONS = [
  { stationId: 'st-1', host: HOST, key: signingMeter('st-1').publicKeyHex, serial: 'M-1' },
  { stationId: 'st-2', host: HOST2, key: signingMeter('st-2').publicKeyHex, serial: 'M-2' },
] as const;
const BOUNDS = [
  'purchased',
  'earnedPayable',
  'earnedLocked',
  'platformFees',
  'heldSessions',
  'heldBookings',
  'pendingPayouts',
] as const;

type Op =
  | { kind: 'mint'; driver: number; amount: number; ref: number }
  | { kind: 'start'; driver: number; station: number; evse: number; session: number; hold: number }
  | { kind: 'stop'; session: number; whMilli: number; minutes: number; tamper: boolean; byBackend: boolean }
  | { kind: 'release'; session: number }
  | { kind: 'invalidate'; session: number }
  | { kind: 'advance'; minutes: number }
  | { kind: 'claim'; host: number; wait: boolean }
  | { kind: 'payout'; host: number; amount: number; payout: number }
  | { kind: 'closePayout'; host: number; payout: number; confirm: boolean }
  | { kind: 'dispute'; session: number }
  | { kind: 'resolve'; session: number; refund: number }
  | { kind: 'book'; driver: number; station: number; booking: number; inMinutes: number }
  | { kind: 'cancelBooking'; booking: number; byHost: boolean }
  | { kind: 'noShow'; booking: number }
  | { kind: 'transfer'; from: number; to: number; amount: number };

const idx = (n: number) => fc.integer({ min: 0, max: n - 1 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('mint' as const),
      driver: idx(3),
      amount: fc.integer({ min: 1, max: 80_000 }),
      ref: idx(12),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('start' as const),
      driver: idx(3),
      station: idx(2),
      evse: idx(2),
      session: idx(4),
      hold: fc.integer({ min: 500, max: 60_000 }),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('stop' as const),
      session: idx(4),
      whMilli: fc.integer({ min: 0, max: 80_000_000 }),
      minutes: fc.integer({ min: 1, max: 600 }),
      tamper: fc.boolean(),
      byBackend: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), session: idx(4) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('invalidate' as const), session: idx(4) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      minutes: fc.integer({ min: 1, max: 5000 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('claim' as const), host: idx(2), wait: fc.boolean() }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('payout' as const),
      host: idx(2),
      amount: fc.integer({ min: 1, max: 20_000 }),
      payout: idx(3),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('closePayout' as const),
      host: idx(2),
      payout: idx(3),
      confirm: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('dispute' as const), session: idx(4) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('resolve' as const),
      session: idx(4),
      refund: fc.integer({ min: 0, max: 3_000 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('book' as const),
      driver: idx(3),
      station: idx(2),
      booking: idx(3),
      inMinutes: fc.integer({ min: -30, max: 600 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('cancelBooking' as const),
      booking: idx(3),
      byHost: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('noShow' as const), booking: idx(3) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('transfer' as const),
      from: idx(3),
      to: idx(3),
      amount: fc.integer({ min: 1, max: 50_000 }),
    }),
  },
);

const DISPUTE_WINDOW_MS = 2 * 60 * MINUTE;

async function setup(): Promise<TestLedger> {
  const ledger = new TestLedger();
  await ledger.submit(
    OPERATOR,
    'initialize',
    paramsArgs({
      transfersEnabled: true,
      holdMinimum: '500',
      holdMaximum: '60000',
      holdDefault: '20000',
      disputeWindowSeconds: DISPUTE_WINDOW_MS / 1000,
    }),
  );
  for (const host of HOSTS)
    await ledger.submit(host, 'setPayoutDestination', { iban: 'DE89370400440532013000' });
  for (const s of STATIONS) {
    await ledger.submit(
      s.host,
      'registerStation',
      stationArgs({ stationId: s.stationId, meter: meterArgs({ publicKey: s.key, serial: s.serial }) }),
    );
    await ledger.submit(BACKEND, 'pinMeterFromBackend', {
      stationId: s.stationId,
      meter: meterArgs({ publicKey: s.key, serial: s.serial }),
    });
    await ledger.submit(s.host, 'setTariff', {
      stationId: s.stationId,
      tariff: {
        elements: [
          {
            price_components: [
              { type: 'FLAT', price: '300' },
              { type: 'ENERGY', price: '350', step_size: 10 },
              { type: 'TIME', price: '1200', step_size: 60 },
            ],
          },
        ],
      },
    });
  }
  for (const [i, driver] of DRIVERS.entries()) {
    await ledger.submit(ISSUER, 'mint', { account: driver, amount: String(SEED), paymentRef: `seed-${i}` });
  }
  return ledger;
}

/** What setup() mints into each driver's account. */
const SEED = 150_000n;

/**
 * Successful operations of each kind the 200 seeded runs must produce at least. Measured with the default
 * seed: start 282, stop 64, claim 25, payout 16, confirm 5, fail 2, dispute 5, resolve 2 (twelve random
 * seeds: at least 266, 53, 17, 11, 2, 1, 5, 2). The floors are about half the seeded count: they catch a
 * generator or setup change that turns most operations into failures and leaves the invariants checked
 * against an idle ledger.
 */
const MIN_SUCCESSES: Readonly<Record<string, number>> = {
  start: 140,
  stop: 30,
  claim: 12,
  payout: 8,
  'closePayout:confirm': 2,
  'closePayout:fail': 1,
  dispute: 2,
  resolve: 1,
};

const iso = (ms: number) => new Date(ms).toISOString();
const pages = new Map<string, number>();
/** Session ids in start order: operations on sessions pick among these, so most of them hit a real one. */
const started: string[] = [];
/** Payouts in request order: closePayout picks among these, so most closes hit a pending one. */
const requested: { host: string; payoutId: string }[] = [];
/** Disputed session ids still open: resolve picks among these. */
const disputed: string[] = [];

/** What an operation did: `skipped` when it changed nothing (never reached the ledger, or claimed nothing); the supply it minted or burned. */
interface Outcome {
  readonly skipped?: true;
  readonly minted?: bigint;
  readonly burned?: bigint;
}

async function apply(ledger: TestLedger, op: Op): Promise<Outcome> {
  const session = (n: number) => started[n % Math.max(1, started.length)] ?? `s-${n}`;
  switch (op.kind) {
    case 'mint': {
      const minted = await ledger.submit(ISSUER, 'mint', {
        account: DRIVERS[op.driver],
        amount: String(op.amount),
        paymentRef: `ref-${op.ref}`,
      });
      return field(minted, 'replayed') === true ? {} : { minted: BigInt(op.amount) };
    }
    case 'start':
      await ledger.submit(DRIVERS[op.driver] ?? '', 'startSession', {
        sessionId: `s-${op.session}`,
        stationId: STATIONS[op.station]?.stationId,
        evseUid: `evse-${op.evse + 1}`,
        connectorId: '1',
        holdAmount: String(op.hold),
      });
      started.push(`s-${op.session}`);
      return {};
    case 'stop': {
      const s = await ledger.evaluate(OPERATOR, 'getSession', { sessionId: session(op.session) });
      const station = STATIONS.find((x) => x.stationId === field(s, 'stationId'));
      if (!station) return { skipped: true };
      const startedAt = field(s, 'startedAt') as number;
      const page = (pages.get(station.stationId) ?? 0) + 1;
      pages.set(station.stationId, page);
      const begin = Math.max(startedAt, ledger.nowMs) + MINUTE;
      const raw = meterRecords({
        beginMs: begin,
        endMs: begin + op.minutes * MINUTE,
        // within what an 11 kW connector delivers in that time (183.333 Wh a minute): plausible
        energyMilliWh: BigInt(op.whMilli) % (BigInt(op.minutes) * 183_333n + 1n),
        page,
        publicKey: station.key,
        serial: station.serial,
      });
      ledger.advance(begin + op.minutes * MINUTE + MINUTE - ledger.nowMs);
      const records = op.tamper ? raw.map((r) => r.replace('"B"', '"E"')) : raw;
      await ledger.submit(op.byBackend ? BACKEND : (field(s, 'driver') as string), 'stopSession', {
        sessionId: session(op.session),
        ocmf: records,
      });
      return {};
    }
    case 'release':
      await ledger.submit('anyone', 'releaseExpiredHold', { sessionId: session(op.session) });
      return {};
    case 'invalidate':
      await ledger.submit(OPERATOR, 'invalidateSession', { sessionId: session(op.session), reason: 'test' });
      return {};
    case 'advance':
      ledger.advance(op.minutes * MINUTE);
      return {};
    case 'claim': {
      // Half the claims wait out the dispute window first, so earnings unlock and payouts follow.
      if (op.wait) ledger.advance(DISPUTE_WINDOW_MS + MINUTE);
      const claimed = await ledger.submit(HOSTS[op.host] ?? '', 'claimEarnings');
      return field(claimed, 'count') === 0 ? { skipped: true } : {};
    }
    case 'payout': {
      // Three in four requests go to a host with payable earnings (if any) and stay within them.
      const payables = await Promise.all(
        HOSTS.map(async (h) =>
          BigInt(field(await ledger.evaluate(h, 'getBalance'), 'earned', 'payable') as string),
        ),
      );
      const richest = payables.indexOf(payables.reduce((a, b) => (b > a ? b : a)));
      const fitting = op.amount % 4 !== 0 && (payables[richest] ?? 0n) > 0n;
      const host = HOSTS[fitting ? richest : op.host] ?? '';
      const payable = payables[fitting ? richest : op.host] ?? 0n;
      const amount = fitting ? 1n + (BigInt(op.amount) % payable) : BigInt(op.amount);
      await ledger.submit(host, 'requestPayout', { payoutId: `po-${op.payout}`, amount: amount.toString() });
      requested.push({ host, payoutId: `po-${op.payout}` });
      return {};
    }
    case 'closePayout': {
      const target = requested[op.payout % Math.max(1, requested.length)];
      const closed = await ledger.submit(ISSUER, op.confirm ? 'confirmPayout' : 'failPayout', {
        account: target?.host ?? HOSTS[op.host],
        payoutId: target?.payoutId ?? `po-${op.payout}`,
      });
      if (target) requested.splice(requested.indexOf(target), 1);
      return op.confirm ? { burned: BigInt(field(closed, 'amount') as string) } : {};
    }
    case 'dispute': {
      const s = await ledger.evaluate(OPERATOR, 'getSession', { sessionId: session(op.session) });
      await ledger.submit(field(s, 'driver') as string, 'openDispute', {
        sessionId: session(op.session),
        reason: 'overcharged',
      });
      disputed.push(session(op.session));
      return {};
    }
    case 'resolve': {
      const sessionId = disputed[op.session % Math.max(1, disputed.length)] ?? session(op.session);
      await ledger.submit(OPERATOR, 'resolveDispute', { sessionId, refund: String(op.refund) });
      if (disputed.includes(sessionId)) disputed.splice(disputed.indexOf(sessionId), 1);
      return {};
    }
    case 'book': {
      const startAt = Math.ceil((ledger.nowMs + op.inMinutes * MINUTE) / 1000) * 1000;
      await ledger.submit(DRIVERS[op.driver] ?? '', 'createBooking', {
        bookingId: `bk-${op.booking}`,
        stationId: STATIONS[op.station]?.stationId,
        evseUid: 'evse-1',
        startAt: iso(startAt),
        endAt: iso(startAt + 60 * MINUTE),
      });
      return {};
    }
    case 'cancelBooking': {
      const caller = op.byHost ? HOST : DRIVERS[0];
      await ledger.submit(caller, 'cancelBooking', { bookingId: `bk-${op.booking}` });
      return {};
    }
    case 'noShow':
      await ledger.submit('anyone', 'settleNoShow', { bookingId: `bk-${op.booking}` });
      return {};
    case 'transfer':
      await ledger.submit(DRIVERS[op.from] ?? '', 'transfer', {
        to: DRIVERS[op.to],
        amount: String(op.amount),
      });
      return {};
  }
}

describe('conservation (property)', () => {
  it('keeps sum of all buckets = minted - burned after every operation, never negative, failed operations write nothing', async () => {
    let failed = 0;
    const ok = new Map<string, number>();
    const stats = new Map<string, number>();
    const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 40, size: 'max' }), async (ops) => {
        pages.clear();
        started.length = 0;
        requested.length = 0;
        disputed.length = 0;
        const ledger = await setup();
        // The supply the test itself expects, from the operations that succeeded.
        let minted = BigInt(DRIVERS.length) * SEED;
        let burned = 0n;
        for (const op of ops) {
          const before = ledger.store.snapshot();
          const kind = op.kind === 'closePayout' ? `closePayout:${op.confirm ? 'confirm' : 'fail'}` : op.kind;
          try {
            const outcome = await apply(ledger, op);
            if (outcome.skipped) {
              count(stats, `${kind}:skipped`);
              expect(ledger.store.snapshot(), `skipped ${kind} wrote state`).to.equal(before);
            } else {
              count(ok, kind);
              count(stats, `${kind}:ok`);
              minted += outcome.minted ?? 0n;
              burned += outcome.burned ?? 0n;
            }
            if (op.kind === 'stop' && op.tamper && !outcome.skipped)
              expect.fail(`a stop with tampered meter records succeeded: ${JSON.stringify(op)}`);
          } catch (error) {
            if (!(error instanceof EcarError)) throw error;
            failed += 1;
            count(stats, `${kind}:${error.code}`);
            if (error.code === 'INTERNAL' || error.code === 'SETTLEMENT_EXCEEDS_HOLD') throw error;
            expect(ledger.store.snapshot(), `${op.kind} wrote state on ${error.code}`).to.equal(before);
          }
          const totals = await ledger.evaluate(AUDITOR, 'auditTotals');
          const context = JSON.stringify({ op, totals });
          expect(field(totals, 'minted'), context).to.equal(minted.toString());
          expect(field(totals, 'burned'), context).to.equal(burned.toString());
          const buckets = BOUNDS.reduce((acc, bucket) => acc + BigInt(field(totals, bucket) as string), 0n);
          expect(buckets, context).to.equal(minted - burned);
          expect(field(totals, 'balanced'), context).to.equal(true);
          // never negative: decimal strings of minor units without a sign
          for (const bucket of BOUNDS) expect(field(totals, bucket), bucket).to.match(/^[0-9]+$/);
          for (const { key, value } of ledger.store.entries('account/')) {
            expect([value.purchased, value.earned], key).to.satisfy((amounts: unknown[]) =>
              amounts.every((a) => typeof a === 'string' && /^[0-9]+$/.test(a)),
            );
          }
        }
      }),
      // A fixed seed, so the success floors below are measured, not hoped for; ECAR_PROPERTY_SEED explores others.
      { numRuns: 200, seed: Number(process.env.ECAR_PROPERTY_SEED ?? 20240611) },
    );
    if (process.env.ECAR_PROPERTY_STATS)
      process.stdout.write(`${JSON.stringify([...stats.entries()].sort())}\n`);
    for (const [kind, floor] of Object.entries(MIN_SUCCESSES))
      expect(ok.get(kind) ?? 0, `successful ${kind} operations`).to.be.at.least(floor);
    expect(failed).to.be.greaterThan(0);
  });
});
