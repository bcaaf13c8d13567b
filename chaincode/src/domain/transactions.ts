// The one registry of public transactions: the plain Fabric adapter and the confidential entry
// point both dispatch here by name with a JSON argument object, and get JSON-safe results
// (bigint as decimal strings). Determinism: the domain reads time and ids only from the Clock
// port (never Date.now or Math.random) and the store writes sorted-key JSON.
import type { JsonValue, Ports } from '../ports';
import { EcarError } from '../protocol/errors';
import * as accounts from './accounts';
import * as bookings from './bookings';
import { Tx } from './context';
import * as disputes from './disputes';
import { toJson } from '../protocol/json';
import type {
  TRANSACTION_KINDS,
  TransactionKind,
  TransactionName,
  TransactionResults,
} from '../protocol/transactions';
import * as params from './params';
import * as payoutDestinations from './payout-destinations';
import * as queries from './queries';
import * as ratings from './ratings';
import * as sessions from './sessions';
import * as stations from './stations';
import * as tariffs from './tariffs';

export type { TransactionKind } from '../protocol/transactions';

export interface TransactionDefinition {
  /** submit writes (ordered and committed); evaluate only reads. */
  readonly kind: TransactionKind;
  /** Who may call it, in words (the rule itself is enforced inside). */
  readonly callers: string;
  run(ports: Ports, args: unknown): Promise<JsonValue>;
}

/** A definition that remembers its kind and what its handler answers (for the check below). */
interface TypedDefinition<K extends TransactionKind, Result> extends TransactionDefinition {
  readonly kind: K;
  /** Never set: carries the handler's result type, so the table check sees it. */
  readonly result?: Result;
}

function define<K extends TransactionKind, Result>(
  kind: K,
  callers: string,
  handler: (tx: Tx, args: unknown) => Promise<Result>,
): TypedDefinition<K, Result> {
  return {
    kind,
    callers,
    run: async (ports, args) => toJson(await handler(new Tx(ports), args)),
  };
}

const submit = <Result>(
  callers: string,
  handler: (tx: Tx, args: unknown) => Promise<Result>,
): TypedDefinition<'submit', Result> => define('submit', callers, handler);
const evaluate = <Result>(
  callers: string,
  handler: (tx: Tx, args: unknown) => Promise<Result>,
): TypedDefinition<'evaluate', Result> => define('evaluate', callers, handler);

/**
 * The protocol's transaction table, as the registry must fill it: every name, with the kind the
 * table gives it and a handler whose answer is the declared result.
 */
type Registry = {
  readonly [N in TransactionName]: TypedDefinition<(typeof TRANSACTION_KINDS)[N], TransactionResults[N]>;
};

export const TRANSACTIONS: Readonly<Record<string, TransactionDefinition>> = Object.freeze({
  // roles & parameters
  initialize: submit('anyone, once (becomes the operator)', params.initialize),
  setParams: submit('operator', params.setParams),
  getParams: evaluate('anyone', params.getParams),
  // accounts & tokens
  mint: submit('issuer', accounts.mint),
  transfer: submit('any account holder, when transfersEnabled', accounts.transfer),
  claimEarnings: submit('host', accounts.claimEarnings),
  requestPayout: submit(
    'host (claims unlocked earnings first; needs a payout destination)',
    accounts.requestPayout,
  ),
  setPayoutDestination: submit(
    'any account holder, for its own payouts',
    payoutDestinations.setPayoutDestination,
  ),
  getPayoutDestination: evaluate('self (masked)', payoutDestinations.getPayoutDestination),
  pendingPayouts: evaluate('issuer (with each payout destination)', accounts.pendingPayouts),
  confirmPayout: submit('issuer', accounts.confirmPayout),
  failPayout: submit('issuer', accounts.failPayout),
  getBalance: evaluate('self; auditor or operator for any account', accounts.getBalance),
  // stations & tariffs
  registerStation: submit('anyone (becomes the host)', stations.registerStation),
  updateStation: submit('host', stations.updateStation),
  pinMeter: submit('host (the key stays unverified)', stations.pinMeter),
  pinMeterFromBackend: submit('backend (the key it read from the wallbox)', stations.pinMeterFromBackend),
  approveMeter: submit('operator', stations.approveMeter),
  getStation: evaluate('anyone', stations.getStation),
  setTariff: submit('host', tariffs.setTariff),
  getTariff: evaluate('anyone', tariffs.getTariff),
  // bookings
  createBooking: submit('driver', bookings.createBooking),
  cancelBooking: submit('driver or host of the booking', bookings.cancelBooking),
  settleNoShow: submit('anyone, after the booked slot', bookings.settleNoShow),
  getStationAddress: submit(
    'host, or a driver with an open booking there once its address is released (counted per day)',
    bookings.getStationAddress,
  ),
  myBookings: evaluate('driver: their own bookings', bookings.myBookings),
  getBooking: evaluate('driver or host of the booking; the operator', bookings.getBooking),
  stationBookings: evaluate(
    'host, for the stations they host; the operator for any station',
    queries.stationBookings,
  ),
  // sessions
  canAuthorize: evaluate('driver', sessions.canAuthorize),
  startSession: submit('driver', sessions.startSession),
  stopSession: submit('driver of the session or a backend', sessions.stopSession),
  releaseExpiredHold: submit('anyone, after the hold expired', sessions.releaseExpiredHold),
  invalidateSession: submit('operator or backend', sessions.invalidateSession),
  getSession: evaluate('driver, host, operator, auditor, backend', sessions.getSession),
  // disputes & ratings
  openDispute: submit('driver of the session, within the dispute window', disputes.openDispute),
  answerDispute: submit(
    'host of the disputed session, once, while the dispute is open',
    disputes.answerDispute,
  ),
  resolveDispute: submit('operator', disputes.resolveDispute),
  getDispute: evaluate('driver, host, operator, auditor', disputes.getDispute),
  rateSession: submit('driver or host of a completed session, once each', ratings.rateSession),
  getStationRatings: evaluate('anyone', ratings.getStationRatings),
  // queries & audit
  searchStations: evaluate('anyone', queries.searchStations),
  myStations: evaluate('anyone', queries.myStations),
  mySessions: evaluate('anyone', queries.mySessions),
  myCdrs: evaluate('anyone', queries.myCdrs),
  auditTotals: evaluate('auditor or operator', queries.auditTotals),
} satisfies Registry);

/** The definition of a transaction, or UNKNOWN_FUNCTION. */
export function lookupTransaction(name: string): TransactionDefinition {
  const definition = Object.prototype.hasOwnProperty.call(TRANSACTIONS, name)
    ? TRANSACTIONS[name]
    : undefined;
  if (!definition) {
    throw new EcarError(
      'UNKNOWN_FUNCTION',
      `there is no transaction '${name.slice(0, 64)}'; known: ${Object.keys(TRANSACTIONS).join(', ')}`,
    );
  }
  return definition;
}

/**
 * Runs a transaction by name. `kind` is what the caller used (submit or evaluate): a write
 * transaction called as evaluate is refused so no one mistakes an unordered read for a commit.
 * Errors that are not EcarErrors are wrapped as INTERNAL so the client always gets a code.
 */
export async function dispatch(
  ports: Ports,
  name: string,
  args: unknown,
  kind?: TransactionKind,
): Promise<JsonValue> {
  const definition = lookupTransaction(name);
  if (kind === 'evaluate' && definition.kind === 'submit') {
    throw new EcarError('INVALID_ARGUMENT', `'${name}' changes state and must be submitted, not evaluated`);
  }
  try {
    return await definition.run(ports, args);
  } catch (error) {
    if (error instanceof EcarError) throw error;
    throw new EcarError('INTERNAL', `transaction '${name}' failed unexpectedly`);
  }
}
