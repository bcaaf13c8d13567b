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
} from '../../support/builders';
import { TestLedger } from '../../support/ledger';

const DRIVERS = ['drv-a', 'drv-b', 'drv-c'] as const;
const HOSTS = [HOST, HOST2] as const;
const STATIONS = [
  { stationId: 'st-1', host: HOST, key: 'a1'.repeat(32), serial: 'M-1' },
  { stationId: 'st-2', host: HOST2, key: 'b2'.repeat(32), serial: 'M-2' },
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
  | { kind: 'claim'; host: number }
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
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('claim' as const), host: idx(2) }) },
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
      disputeWindowSeconds: 2 * 3600,
    }),
  );
  for (const s of STATIONS) {
    await ledger.submit(
      s.host,
      'registerStation',
      stationArgs({ stationId: s.stationId, meter: meterArgs({ publicKey: s.key, serial: s.serial }) }),
    );
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
    await ledger.submit(ISSUER, 'mint', { account: driver, amount: '150000', paymentRef: `seed-${i}` });
  }
  return ledger;
}

const iso = (ms: number) => new Date(ms).toISOString();
const pages = new Map<string, number>();
/** Session ids in start order: operations on sessions pick among these, so most of them hit a real one. */
const started: string[] = [];

async function apply(ledger: TestLedger, op: Op): Promise<void> {
  const session = (n: number) => started[n % Math.max(1, started.length)] ?? `s-${n}`;
  switch (op.kind) {
    case 'mint':
      await ledger.submit(ISSUER, 'mint', {
        account: DRIVERS[op.driver],
        amount: String(op.amount),
        paymentRef: `ref-${op.ref}`,
      });
      return;
    case 'start':
      await ledger.submit(DRIVERS[op.driver] ?? '', 'startSession', {
        sessionId: `s-${op.session}`,
        stationId: STATIONS[op.station]?.stationId,
        evseUid: `evse-${op.evse + 1}`,
        connectorId: '1',
        holdAmount: String(op.hold),
      });
      started.push(`s-${op.session}`);
      return;
    case 'stop': {
      const s = await ledger.evaluate(OPERATOR, 'getSession', { sessionId: session(op.session) });
      const station = STATIONS.find((x) => x.stationId === field(s, 'stationId'));
      if (!station) return;
      const startedAt = field(s, 'startedAt') as number;
      const page = (pages.get(station.stationId) ?? 0) + 1;
      pages.set(station.stationId, page);
      const begin = Math.max(startedAt, ledger.nowMs) + MINUTE;
      const raw = meterRecords({
        beginMs: begin,
        endMs: begin + op.minutes * MINUTE,
        energyMilliWh: BigInt(op.whMilli),
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
      return;
    }
    case 'release':
      await ledger.submit('anyone', 'releaseExpiredHold', { sessionId: session(op.session) });
      return;
    case 'invalidate':
      await ledger.submit(OPERATOR, 'invalidateSession', { sessionId: session(op.session), reason: 'test' });
      return;
    case 'advance':
      ledger.advance(op.minutes * MINUTE);
      return;
    case 'claim':
      await ledger.submit(HOSTS[op.host] ?? '', 'claimEarnings');
      return;
    case 'payout': {
      const host = HOSTS[op.host] ?? '';
      const payable = BigInt(field(await ledger.evaluate(host, 'getBalance'), 'earned', 'payable') as string);
      const amount =
        payable > 0n && op.amount % 4 !== 0 ? 1n + (BigInt(op.amount) % payable) : BigInt(op.amount);
      await ledger.submit(host, 'requestPayout', { payoutId: `po-${op.payout}`, amount: amount.toString() });
      return;
    }
    case 'closePayout':
      await ledger.submit(ISSUER, op.confirm ? 'confirmPayout' : 'failPayout', {
        account: HOSTS[op.host],
        payoutId: `po-${op.payout}`,
      });
      return;
    case 'dispute': {
      const s = await ledger.evaluate(OPERATOR, 'getSession', { sessionId: session(op.session) });
      await ledger.submit(field(s, 'driver') as string, 'openDispute', {
        sessionId: session(op.session),
        reason: 'overcharged',
      });
      return;
    }
    case 'resolve':
      await ledger.submit(OPERATOR, 'resolveDispute', {
        sessionId: session(op.session),
        refund: String(op.refund),
      });
      return;
    case 'book': {
      const startAt = Math.ceil((ledger.nowMs + op.inMinutes * MINUTE) / 1000) * 1000;
      await ledger.submit(DRIVERS[op.driver] ?? '', 'createBooking', {
        bookingId: `bk-${op.booking}`,
        stationId: STATIONS[op.station]?.stationId,
        evseUid: 'evse-1',
        startAt: iso(startAt),
        endAt: iso(startAt + 60 * MINUTE),
      });
      return;
    }
    case 'cancelBooking': {
      const caller = op.byHost ? HOST : DRIVERS[0];
      await ledger.submit(caller, 'cancelBooking', { bookingId: `bk-${op.booking}` });
      return;
    }
    case 'noShow':
      await ledger.submit('anyone', 'settleNoShow', { bookingId: `bk-${op.booking}` });
      return;
    case 'transfer':
      await ledger.submit(DRIVERS[op.from] ?? '', 'transfer', {
        to: DRIVERS[op.to],
        amount: String(op.amount),
      });
      return;
  }
}

describe('conservation (property)', () => {
  it('keeps sum of all buckets = minted - burned after every operation, never negative, failed operations write nothing', async () => {
    let succeeded = 0;
    let failed = 0;
    const stats = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 40, size: 'max' }), async (ops) => {
        pages.clear();
        started.length = 0;
        const ledger = await setup();
        for (const op of ops) {
          const before = ledger.store.snapshot();
          try {
            await apply(ledger, op);
            succeeded += 1;
            stats.set(`${op.kind}:ok`, (stats.get(`${op.kind}:ok`) ?? 0) + 1);
          } catch (error) {
            failed += 1;
            stats.set(
              `${op.kind}:${error instanceof EcarError ? error.code : 'x'}`,
              (stats.get(`${op.kind}:${error instanceof EcarError ? error.code : 'x'}`) ?? 0) + 1,
            );
            if (
              !(error instanceof EcarError) ||
              error.code === 'INTERNAL' ||
              error.code === 'SETTLEMENT_EXCEEDS_HOLD'
            )
              throw error;
            expect(ledger.store.snapshot(), `${op.kind} wrote state on ${error.code}`).to.equal(before);
          }
          const totals = await ledger.evaluate(AUDITOR, 'auditTotals');
          expect(field(totals, 'balanced'), JSON.stringify({ op, totals })).to.equal(true);
          for (const bucket of BOUNDS)
            expect(BigInt(field(totals, bucket) as string) >= 0n, bucket).to.equal(true);
          for (const { value } of ledger.store.entries('account/')) {
            expect(BigInt(value.purchased as string) >= 0n && BigInt(value.earned as string) >= 0n).to.equal(
              true,
            );
          }
        }
      }),
      { numRuns: 200 },
    );
    if (process.env.ECAR_PROPERTY_STATS)
      process.stdout.write(`${JSON.stringify([...stats.entries()].sort())}\n`);
    expect(succeeded).to.be.greaterThan(100);
    expect(failed).to.be.greaterThan(0);
  });
});
