// The ledger's reasons in the words of the CLI: a domain field becomes the flag a person typed
// (startAt → --from), a transaction name becomes its command (pinMeter → ecar station pin-meter),
// and minor units become tokens. Codes and details stay as the ledger sent them; only the sentence
// a person reads changes.
import { displayMoney, TOKEN_DECIMALS } from '../../../chaincode/src/protocol/units';

/** The flag that carries each argument field of a ledger transaction (paths as the domain names them). */
const FIELD_FLAGS: Readonly<Record<string, string>> = {
  startAt: '--from',
  endAt: '--to',
  holdAmount: '--hold',
  stationId: '--station',
  evseUid: '--evse',
  connectorId: '--connector',
  sessionId: '--session',
  bookingId: '--booking',
  payoutId: '--payout-id',
  paymentRef: '--payment-ref',
  amount: '--amount',
  account: '--account',
  refund: '--refund',
  reason: '--reason',
  statement: '--statement',
  comment: '--comment',
  score: '--score',
  name: '--name',
  openingHours: '--hours',
  utcOffsetMinutes: '--utc-offset',
  'address.country': '--country',
  'address.city': '--city',
  'address.postalCode': '--postal-code',
  'address.street': '--street',
  'address.houseNumber': '--house-number',
  'address.directions': '--directions',
  'location.country': '--country',
  'location.city': '--city',
  'location.postalCode': '--postal-code',
  'location.latitude': '--lat',
  'location.longitude': '--lon',
  'bookingTerms.noShowFee': '--noshow-fee',
  'bookingTerms.cancelBeforeMinutes': '--cancel-before',
  'bookingTerms.maxDurationMinutes': '--max-duration',
  'meter.publicKey': '--public-key',
  'meter.serial': '--serial',
  'meter.vendor': '--vendor',
  'meter.model': '--model',
  'tariff.min_price': '--min-price',
  'tariff.max_price': '--max-price',
  ocmf: '--ocmf/--xml',
  feeBps: '--fee-bps',
  holdDefault: '--hold-default',
  holdMinimum: '--hold-min',
  holdMaximum: '--hold-max',
  holdExpirySeconds: '--hold-expiry',
  disputeWindowSeconds: '--dispute-window',
  addressReleaseSeconds: '--address-release',
  addressReleasesPerDay: '--addresses-per-day',
  allowUnverifiedMeterKeys: '--unverified-meters',
  meterClockSkewSeconds: '--meter-skew',
};

/** The command that runs each ledger transaction a reason may name. */
const TRANSACTION_COMMANDS: Readonly<Record<string, string>> = {
  pinMeter: "'ecar station pin-meter'",
  approveMeter: "'ecar operator approve-meter'",
  pinMeterFromBackend: 'the charging backend',
  registerStation: "'ecar station register'",
  updateStation: "'ecar station update'",
  setTariff: "'ecar tariff set'",
  startSession: "'ecar session start'",
  stopSession: "'ecar session stop'",
  createBooking: "'ecar booking create'",
  cancelBooking: "'ecar booking cancel'",
  openDispute: "'ecar dispute open'",
  answerDispute: "'ecar dispute answer'",
  resolveDispute: "'ecar operator dispute resolve'",
  rateSession: "'ecar rate'",
  initialize: "'ecar operator init'",
  setParams: "'ecar operator params set'",
  mint: "'ecar issuer mint'",
  requestPayout: "'ecar host payout'",
  confirmPayout: "'ecar issuer payout confirm'",
  failPayout: "'ecar issuer payout fail'",
  claimEarnings: "'ecar host claim'",
};

/** What a person can do about a field the ledger refused, when there is more to say than the rule. */
const FIELD_REMEDIES: Readonly<Record<string, string>> = {
  startAt: 'give a --from after now, in UTC like 2026-05-01T18:00:00Z',
  'address.country': 'give --country as the two-letter ISO code, e.g. DE',
  'location.country': 'give --country as the two-letter ISO code, e.g. DE',
  holdAmount: "choose a --hold within the ledger's limits (ecar operator params show)",
};

const WORD = (name: string): RegExp =>
  new RegExp(`(^|[^A-Za-z0-9_.'-])${name.replace(/[.]/g, '\\.')}(?![A-Za-z0-9_])`, 'g');

const MINOR_UNITS = /\b([0-9]{1,30}) ((?:purchased |earned |payable )?)minor units\b/g;

/**
 * A ledger reason as a person reads it at the CLI: field paths named as flags (the field from the
 * error's details first, then any other known path at the start of the reason), transactions as
 * commands, minor units as tokens, and a remedy for the refused field when one is known.
 */
export function inUserTerms(reason: string, field?: string): string {
  const names = Object.keys(FIELD_FLAGS).sort((a, b) => b.length - a.length);
  const subject = field ?? names.find((name) => reason.startsWith(`${name} `));
  let text = reason;
  if (subject !== undefined && FIELD_FLAGS[subject] !== undefined) {
    text = text.replace(WORD(subject), `$1${FIELD_FLAGS[subject]}`);
  }
  for (const [fn, command] of Object.entries(TRANSACTION_COMMANDS)) {
    text = text.replace(WORD(fn), `$1${command}`);
  }
  text = text
    .replace(/\bmust be ([0-9]+)-\1 characters long\b/, 'must be exactly $1 characters long')
    .replace(
      MINOR_UNITS,
      (_all, minor: string, bucket: string) =>
        `${displayMoney(BigInt(minor), TOKEN_DECIMALS)} ${bucket}tokens`,
    );
  const remedy = subject === undefined ? undefined : FIELD_REMEDIES[subject];
  return remedy === undefined ? text : `${text}; ${remedy}`;
}
