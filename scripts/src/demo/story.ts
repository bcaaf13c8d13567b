// The charging story the demo tells and the tests check: a host registers a wallbox with a signing
// meter and a tariff, a driver is topped up, finds it, books, charges, the session settles from
// signed meter readings, the host's earnings unlock and are paid out, and the auditor's totals
// balance. It runs over any LedgerClient (confidential or plain) and checks its own figures.
import { setTimeout as sleep } from 'node:timers/promises';
import type { JsonObject, JsonValue } from '../../../chaincode/src/protocol/json';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import { displayMoney } from '../../../chaincode/src/protocol/units';
import type { LedgerClient, LedgerSubmitResult } from '../../../client/src/fabric/ledger-client';
import { newDevMeter, signReadings } from '../../../client/src/meter/dev-meter';
import { wallboxStation } from './demo-station';
import { onceEveryPeerHasIt } from '../lagging-peers';

export interface StoryActor {
  readonly ledger: LedgerClient;
  /** The caller id the ledger knows this actor by. */
  readonly id: string;
}

export interface StoryCast {
  readonly operator: StoryActor;
  readonly issuer: StoryActor;
  readonly auditor: StoryActor;
  readonly backend: StoryActor;
  readonly host: StoryActor;
  readonly driver: StoryActor;
}

export interface StoryNarrator {
  /** A step of the story: a title and what happened. */
  step(title: string, lines: readonly string[]): void;
  /** Extra lines about a committed transaction (what was encrypted, who endorsed, what the ledger holds). */
  describe?(submitted: LedgerSubmitResult): Promise<readonly string[]>;
}

export interface StorySummary {
  readonly runId: string;
  readonly stationId: string;
  readonly sessionId: string;
  readonly minted: string;
  readonly energyWh: string;
  readonly pricePerKwh: string;
  readonly price: string;
  readonly platformFee: string;
  readonly hostEarning: string;
  readonly releasedToDriver: string;
  readonly driverBalance: string;
  readonly burned: string;
  readonly audit: { readonly mintedDelta: string; readonly burnedDelta: string; readonly balanced: boolean };
  readonly settleTransactionId: string;
  readonly settleSubmitToCommitMs: number;
}

export interface StoryOptions {
  readonly runId: string;
  /** Seconds earnings stay locked for disputes; the story waits them out. */
  readonly disputeWindowSeconds: number;
  /** The enclaves' clock-skew window: every deadline keeps it as a margin, so the story waits it too. */
  readonly clockSkewMs: number;
}

// Figures of the story (token minor units; 100 minor units = 1 token).
const MINTED = 100_000n;
const HOLD = 60_000n;
const FEE_BPS = 1_000n;
// A steep price per kWh, so the few seconds the demo charges for cost about an evening's charge:
// settlement refuses more energy than the 11 kW connector delivers in the time the meter signed.
const PRICE_PER_KWH = 3_490_000n;
const BEGIN_KWH = '1520.400';
const END_KWH = '1520.412'; // 12 Wh: 3.93 s at 11 kW
const CHARGE_MS = 5_000;
const DEMO_IBAN = 'DE89370400440532013000';

function milliWh(kwh: string): bigint {
  const [whole = '0', fraction = ''] = kwh.split('.');
  return BigInt(whole) * 1_000_000n + BigInt(fraction.padEnd(6, '0'));
}

/** The story's expected figures, computed independently of the chaincode (whole Wh, round down once). */
export function expectedFigures(): { energyWh: bigint; price: bigint; fee: bigint; hostEarning: bigint } {
  const energyWh = (milliWh(END_KWH) - milliWh(BEGIN_KWH)) / 1000n;
  const price = (energyWh * PRICE_PER_KWH) / 1000n;
  const fee = (price * FEE_BPS) / 10_000n;
  return { energyWh, price, fee, hostEarning: price - fee };
}

function field(value: JsonValue, ...path: string[]): JsonValue {
  let current: JsonValue = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return null;
    current = (current as JsonObject)[key] ?? null;
  }
  return current;
}

function text(value: JsonValue, ...path: string[]): string {
  const found = field(value, ...path);
  return typeof found === 'string' ? found : '?';
}

function money(value: JsonValue, ...path: string[]): bigint {
  const text = field(value, ...path);
  if (typeof text !== 'string' || !/^-?[0-9]+$/.test(text)) {
    throw new Error(`the ledger answered no amount at ${path.join('.')}`);
  }
  return BigInt(text);
}

function check(what: string, actual: bigint, expected: bigint): void {
  if (actual !== expected) throw new Error(`${what}: the ledger says ${actual}, expected ${expected}`);
}

const tokens = (minor: bigint): string => `${displayMoney(minor)} tokens`;

/** What every chapter of the story shares. */
interface Chapter {
  readonly cast: StoryCast;
  readonly options: StoryOptions;
  readonly narrator: StoryNarrator;
  readonly describe: (submitted: LedgerSubmitResult) => Promise<readonly string[]>;
  readonly stationId: string;
  readonly sessionId: string;
  readonly meter: ReturnType<typeof newDevMeter>;
  readonly expected: ReturnType<typeof expectedFigures>;
}

export async function runChargingStory(
  cast: StoryCast,
  options: StoryOptions,
  narrator: StoryNarrator,
): Promise<StorySummary> {
  const { runId } = options;
  const stationId = `wallbox-${runId}`;
  const sessionId = `session-${runId}`;
  const c: Chapter = {
    cast,
    options,
    narrator,
    describe: async (submitted) =>
      narrator.describe ? narrator.describe(submitted) : [`committed in block ${submitted.blockNumber}`],
    stationId,
    sessionId,
    meter: newDevMeter(`DEMO-${runId.toUpperCase()}`),
    expected: expectedFigures(),
  };
  const { expected } = c;
  const auditBefore = await setRules(c);
  await registerWallbox(c);
  await topUp(c);
  await findAndBook(c);
  const { price, settled, settleMs } = await charge(c);
  await payOut(c);
  const { mintedDelta, burnedDelta, balanced } = await audit(c, auditBefore);

  return {
    runId,
    stationId,
    sessionId,
    minted: MINTED.toString(),
    energyWh: expected.energyWh.toString(),
    pricePerKwh: PRICE_PER_KWH.toString(),
    price: price.toString(),
    platformFee: expected.fee.toString(),
    hostEarning: expected.hostEarning.toString(),
    releasedToDriver: (HOLD - price).toString(),
    driverBalance: (MINTED - price).toString(),
    burned: expected.hostEarning.toString(),
    audit: { mintedDelta: mintedDelta.toString(), burnedDelta: burnedDelta.toString(), balanced },
    settleTransactionId: settled.transactionId,
    settleSubmitToCommitMs: settleMs,
  };
}

/** 1. the consortium operator sets the rules and the role holders; answers the audit totals before the story */
async function setRules(c: Chapter): Promise<JsonValue> {
  const { cast, options, narrator, describe } = c;
  // 1. the consortium operator sets the rules and the role holders
  const params = {
    issuer: cast.issuer.id,
    auditors: [cast.auditor.id],
    backends: [cast.backend.id],
    feeBps: Number(FEE_BPS),
    holdDefault: HOLD,
    holdMinimum: 1_000n,
    holdMaximum: 100_000n,
    holdExpirySeconds: 3600,
    disputeWindowSeconds: options.disputeWindowSeconds,
  };
  let init: LedgerSubmitResult;
  try {
    init = await cast.operator.ledger.submit('initialize', params);
  } catch (error) {
    if (!(error instanceof EcarError && error.code === 'ALREADY_EXISTS')) throw error;
    init = await cast.operator.ledger.submit('setParams', params);
  }
  narrator.step('Operator sets the consortium parameters', [
    `platform fee ${Number(FEE_BPS) / 100} %, default hold ${tokens(HOLD)}, dispute window ${options.disputeWindowSeconds} s (the story's own short window)`,
    ...(await describe(init)),
  ]);
  return cast.auditor.ledger.evaluate('auditTotals');
}

/** 2. the host registers the wallbox, the backend pins its signing meter, the host publishes a tariff */
async function registerWallbox(c: Chapter): Promise<void> {
  const { cast, narrator, describe, stationId, meter } = c;
  // 2. the host registers the wallbox, pins its signing meter, publishes a tariff
  const station = wallboxStation({ stationId, meter, noShowFee: 3_000n });
  const registered = await cast.host.ledger.submit('registerStation', station);
  // The key the host typed in stays unverified; the charging backend pins the one it read from the wallbox.
  const pinned = await onceEveryPeerHasIt(() =>
    cast.backend.ledger.submit('pinMeterFromBackend', { stationId, meter: station.meter }),
  );
  const tariff = await cast.host.ledger.submit('setTariff', {
    stationId,
    tariff: { elements: [{ price_components: [{ type: 'ENERGY', price: PRICE_PER_KWH, step_size: 1 }] }] },
  });
  narrator.step('Host registers a wallbox with a signing meter and an energy tariff', [
    `station ${stationId}: 11 kW AC, Berlin (coarse location public; street address sealed)`,
    `meter ${meter.serial} pinned by the charging backend (ECDSA P-256 public key); tariff ${tokens(PRICE_PER_KWH)} per kWh`,
    ...(await describe(registered)),
    ...(await describe(pinned)),
    ...(await describe(tariff)),
  ]);
}

/** 3. the driver tops up */
async function topUp(c: Chapter): Promise<void> {
  const { cast, narrator, describe } = c;
  const { runId } = c.options;
  // 3. the driver tops up
  const mint = await cast.issuer.ledger.submit('mint', {
    account: cast.driver.id,
    amount: MINTED,
    paymentRef: `psp-${runId}`,
  });
  narrator.step('Issuer mints tokens for the driver’s top-up', [
    `${tokens(MINTED)} for payment reference psp-${runId} (idempotent per reference)`,
    ...(await describe(mint)),
  ]);
}

/** 4. the driver finds the station and books it */
async function findAndBook(c: Chapter): Promise<void> {
  const { cast, narrator, describe, stationId } = c;
  const { runId } = c.options;
  // 4. the driver finds the station and books it
  const found = await cast.driver.ledger.evaluate('searchStations', { city: 'Berlin', minPowerW: 7000 });
  const hits: readonly JsonValue[] = Array.isArray(found) ? found : [];
  if (!hits.some((s) => field(s, 'id') === stationId)) {
    throw new Error(`station search did not find ${stationId}`);
  }
  const now = Date.now();
  const booking = await cast.driver.ledger.submit('createBooking', {
    bookingId: `booking-${runId}`,
    stationId,
    evseUid: 'evse-1',
    startAt: new Date(now + 5 * 60_000).toISOString(),
    endAt: new Date(now + 65 * 60_000).toISOString(),
    // The slot starts in 5 minutes, inside the station's 10-minute free-cancel window: say yes to that.
    acceptNoFreeCancellation: true,
  });
  // A write: address releases are counted per driver; the booking starts within addressReleaseSeconds.
  const address = (await cast.driver.ledger.submit('getStationAddress', { stationId })).result;
  narrator.step('Driver finds the wallbox and books it', [
    `search (Berlin, ≥ 7 kW) found ${hits.length} station(s) including ${stationId}`,
    `booked evse-1 at short notice (free cancellation already over, accepted by the driver); the exact address is released to this driver only: ${text(address, 'street')} ${text(address, 'houseNumber')}`,
    ...(await describe(booking)),
  ]);
}

/** 5. charging: start (hold), the meter signs begin and end, stop settles */
async function charge(c: Chapter): Promise<{ price: bigint; settled: LedgerSubmitResult; settleMs: number }> {
  const { cast, options, narrator, describe, stationId, sessionId, meter, expected } = c;
  // 5. charging: start (hold), the meter signs begin and end, stop settles
  const started = await cast.driver.ledger.submit('startSession', {
    sessionId,
    stationId,
    evseUid: 'evse-1',
    connectorId: '1',
  });
  const startedAt = field(started.result, 'startedAt');
  const startMs = typeof startedAt === 'number' ? startedAt : Date.now();
  narrator.step('Driver starts charging: the session hold is placed', [
    `hold ${tokens(HOLD)} moved from purchased to escrow; the booking's no-show hold is released`,
    ...(await describe(started)),
  ]);
  await sleep(Math.max(0, startMs + CHARGE_MS - Date.now())); // charging takes time
  const begin = signReadings(meter, 1, [{ type: 'B', timeMs: startMs, kwh: BEGIN_KWH }]);
  const end = signReadings(meter, 2, [{ type: 'E', timeMs: Date.now(), kwh: END_KWH }]);
  const t0 = performance.now();
  const settled = await cast.driver.ledger.submit('stopSession', { sessionId, ocmf: [begin, end] });
  const settleMs = Math.round(performance.now() - t0);
  const price = money(settled.result, 'cdr', 'totalCost');
  check('settled price', price, expected.price);
  narrator.step('Driver stops: the enclaves verify the signed meter records and settle', [
    `meter ${BEGIN_KWH} → ${END_KWH} kWh = ${expected.energyWh} Wh, signatures checked against the pinned key`,
    `price ${tokens(price)}; fee ${tokens(expected.fee)}; host earns ${tokens(expected.hostEarning)} (locked ${options.disputeWindowSeconds} s for disputes); ${tokens(HOLD - price)} released to the driver`,
    `submit-to-commit ${settleMs} ms`,
    ...(await describe(settled)),
  ]);
  const driverBalance = await cast.driver.ledger.evaluate('getBalance');
  check('driver purchased balance', money(driverBalance, 'purchased'), MINTED - price);
  return { price, settled, settleMs };
}

/** 6. the dispute window passes; the host claims and is paid out */
async function payOut(c: Chapter): Promise<void> {
  const { cast, options, narrator, describe, expected } = c;
  const { runId } = c.options;
  // 6. the dispute window passes; the host claims and is paid out
  narrator.step('Waiting for the dispute window', [
    `${options.disputeWindowSeconds} s, plus the enclaves' ${options.clockSkewMs / 1000} s clock-skew margin`,
  ]);
  await sleep(options.disputeWindowSeconds * 1000 + options.clockSkewMs + 1_500);
  // The ECBS example IBAN: the destination is sealed, and only the issuer reads it.
  const destination = await cast.host.ledger.submit('setPayoutDestination', { iban: DEMO_IBAN });
  const payoutId = `payout-${runId}`;
  // The payout claims the earnings whose dispute window closed first.
  const requested = await cast.host.ledger.submit('requestPayout', {
    payoutId,
    amount: expected.hostEarning,
  });
  check('claimed by the payout', money(requested.result, 'claimedNow'), expected.hostEarning);
  const pending = await cast.issuer.ledger.evaluate('pendingPayouts');
  const pendingList: readonly JsonValue[] = Array.isArray(pending) ? pending : [];
  const listed = pendingList.find((p) => field(p, 'payoutId') === payoutId);
  if (listed === undefined || field(listed, 'destination', 'value') !== DEMO_IBAN) {
    throw new Error(`the issuer's pending payouts do not show ${payoutId} with the host's IBAN`);
  }
  const confirmed = await cast.issuer.ledger.submit('confirmPayout', { account: cast.host.id, payoutId });
  narrator.step('Host is paid out (the payout claims the unlocked earnings); the issuer burns them', [
    `${tokens(expected.hostEarning)} paid out (${payoutId}) to the host's sealed IBAN, which only the issuer's pending-payout list shows; burned on confirmation`,
    ...(await describe(destination)),
    ...(await describe(requested)),
    ...(await describe(confirmed)),
  ]);
}

/** 7. the auditor's totals balance */
async function audit(
  c: Chapter,
  auditBefore: JsonValue,
): Promise<{ mintedDelta: bigint; burnedDelta: bigint; balanced: boolean }> {
  const { cast, narrator, expected } = c;
  // 7. the auditor's totals balance
  const auditAfter = await cast.auditor.ledger.evaluate('auditTotals');
  const mintedDelta = money(auditAfter, 'minted') - money(auditBefore, 'minted');
  const burnedDelta = money(auditAfter, 'burned') - money(auditBefore, 'burned');
  const balanced = field(auditAfter, 'balanced') === true;
  check('minted during the story', mintedDelta, MINTED);
  check('burned during the story', burnedDelta, expected.hostEarning);
  if (!balanced) throw new Error('the auditor totals do not balance');
  narrator.step('Auditor checks the totals', [
    `minted ${tokens(money(auditAfter, 'minted'))} − burned ${tokens(money(auditAfter, 'burned'))} = sum of all buckets: balanced`,
  ]);
  return { mintedDelta, burnedDelta, balanced };
}
