// The public transactions, typed once: each name with its kind (submit writes, evaluate reads), the
// arguments a client sends and the record the domain answers with. The domain's registry is checked
// against this table (a missing, extra or wrongly typed handler is a compile error), and the client's
// typed `submit`/`evaluate` take their names, arguments and results from it, so a misspelt name or a
// wrong argument does not compile.
import type { JsonObject, Jsonified } from './json';
import type { PinnedMeter } from './ocmf/pinned-meter';
import type {
  Address,
  AuthorizationStatus,
  Balance,
  Booking,
  BookingTerms,
  Cdr,
  Connector,
  Dispute,
  MaskedDestination,
  MintRecord,
  NewBooking,
  Params,
  Payout,
  PendingPayout,
  Price,
  PublicLocation,
  PublicStation,
  Rating,
  Session,
  SessionStatus,
  StationStatus,
  SupplyTotals,
} from './records';
import type { BookingStatus, CONNECTOR_STANDARDS, PARKING_TYPES, POWER_TYPES } from './vocabulary';

/** submit writes (ordered and committed); evaluate only reads. */
export type TransactionKind = 'submit' | 'evaluate';

/** What each transaction is: the table the registry and the client share. */
export const TRANSACTION_KINDS = {
  // roles & parameters
  initialize: 'submit',
  setParams: 'submit',
  getParams: 'evaluate',
  // accounts & tokens
  mint: 'submit',
  transfer: 'submit',
  claimEarnings: 'submit',
  requestPayout: 'submit',
  setPayoutDestination: 'submit',
  getPayoutDestination: 'evaluate',
  pendingPayouts: 'evaluate',
  confirmPayout: 'submit',
  failPayout: 'submit',
  getBalance: 'evaluate',
  // stations & tariffs
  registerStation: 'submit',
  updateStation: 'submit',
  pinMeter: 'submit',
  pinMeterFromBackend: 'submit',
  approveMeter: 'submit',
  getStation: 'evaluate',
  setTariff: 'submit',
  getTariff: 'evaluate',
  // bookings
  createBooking: 'submit',
  cancelBooking: 'submit',
  settleNoShow: 'submit',
  getStationAddress: 'submit',
  myBookings: 'evaluate',
  getBooking: 'evaluate',
  stationBookings: 'evaluate',
  // sessions
  canAuthorize: 'evaluate',
  startSession: 'submit',
  stopSession: 'submit',
  releaseExpiredHold: 'submit',
  invalidateSession: 'submit',
  getSession: 'evaluate',
  // disputes & ratings
  openDispute: 'submit',
  answerDispute: 'submit',
  resolveDispute: 'submit',
  getDispute: 'evaluate',
  rateSession: 'submit',
  getStationRatings: 'evaluate',
  // queries & audit
  searchStations: 'evaluate',
  myStations: 'evaluate',
  mySessions: 'evaluate',
  myCdrs: 'evaluate',
  auditTotals: 'evaluate',
} as const satisfies Readonly<Record<string, TransactionKind>>;

export type TransactionName = keyof typeof TRANSACTION_KINDS;
/** The transactions that write (ordered and committed). */
export type SubmitName = {
  [N in TransactionName]: (typeof TRANSACTION_KINDS)[N] extends 'submit' ? N : never;
}[TransactionName];
/** The transactions that only read. */
export type EvaluateName = Exclude<TransactionName, SubmitName>;

/** An argument value as a client builds it: bigint money goes out as its decimal string, undefined fields are left out. */
export type ArgValue = null | boolean | number | string | bigint | readonly ArgValue[] | ArgObject;
export interface ArgObject {
  readonly [key: string]: ArgValue | undefined;
}

/** An amount of minor units as a client sends it: a bigint, or its decimal string. */
export type MoneyArg = bigint | string;
/** A point in time as a client sends it: ISO 8601 with an offset, e.g. 2026-03-01T18:00:00Z. */
export type IsoTime = string;
/** At most this many results (1-500; default 100). */
type Limit = { readonly limit?: number };

/** The parameters the operator sets; money as MoneyArg. */
export type ParamsArgs = Partial<
  Omit<
    { readonly [K in keyof Params]: Params[K] extends bigint ? MoneyArg : Params[K] },
    'operator' | 'version' | 'updatedAt'
  >
>;

/** Where a station is, publicly: city level; the ledger keeps 2 decimals of the coordinates (about 1 km). */
export type LocationArgs = PublicLocation;

export type ConnectorArgs = Connector;

export interface OpeningHoursArgs {
  readonly twentyfourseven: boolean;
  /** OCPI RegularHours: weekday 1 = Monday ... 7 = Sunday; HH:MM local time. */
  readonly regularHours?: readonly {
    readonly weekday: number;
    readonly periodBegin: string;
    readonly periodEnd: string;
  }[];
}

/** The station's signing meter: its public key is hex of its DER SubjectPublicKeyInfo (or raw point). */
export type MeterArgs = PinnedMeter;

export type BookingTermsArgs = {
  readonly [K in keyof BookingTerms]: BookingTerms[K] extends bigint ? MoneyArg : BookingTerms[K];
};

export interface RegisterStationArgs {
  readonly stationId: string;
  readonly name: string;
  readonly location: LocationArgs;
  /** Sealed; released to a booked driver shortly before the booking. */
  readonly address: Address;
  readonly parkingType: (typeof PARKING_TYPES)[number];
  /** Minutes east of UTC of the station's local time (default 0). */
  readonly utcOffsetMinutes?: number;
  readonly evses: readonly { readonly uid: string; readonly connectors: readonly ConnectorArgs[] }[];
  readonly openingHours: OpeningHoursArgs;
  readonly meter?: MeterArgs;
  readonly bookingTerms?: BookingTermsArgs;
}

/** Where a session is to happen and how much it may hold. */
export interface StartRequestArgs {
  readonly stationId: string;
  readonly evseUid: string;
  readonly connectorId: string;
  /** Default: the operator's holdDefault. */
  readonly holdAmount?: MoneyArg;
}

type StationRef = { readonly stationId: string };
type SessionRef = { readonly sessionId: string };
type BookingRef = { readonly bookingId: string };
type PayoutRef = { readonly account: string; readonly payoutId: string };
type NoArgs = Readonly<Record<string, never>>;

/** The arguments each transaction takes. */
export interface TransactionArgs {
  initialize: ParamsArgs & { readonly issuer: string; readonly holdDefault: MoneyArg };
  setParams: ParamsArgs & { readonly operator?: string };
  getParams: NoArgs;
  mint: { readonly account: string; readonly amount: MoneyArg; readonly paymentRef: string };
  transfer: { readonly to: string; readonly amount: MoneyArg };
  claimEarnings: NoArgs;
  requestPayout: { readonly payoutId: string; readonly amount: MoneyArg };
  setPayoutDestination:
    | { readonly iban: string; readonly reference?: never }
    | { readonly reference: string; readonly iban?: never };
  getPayoutDestination: NoArgs;
  pendingPayouts: Limit;
  confirmPayout: PayoutRef;
  failPayout: PayoutRef & { readonly reason?: string };
  getBalance: { readonly account?: string };
  registerStation: RegisterStationArgs;
  updateStation: StationRef & {
    readonly status?: StationStatus;
    readonly openingHours?: OpeningHoursArgs;
    readonly bookingTerms?: BookingTermsArgs;
    readonly name?: string;
  };
  pinMeter: StationRef & { readonly meter: MeterArgs };
  pinMeterFromBackend: StationRef & { readonly meter: MeterArgs };
  approveMeter: StationRef & { readonly publicKey: string };
  getStation: StationRef;
  /** `tariff`: OCPI JSON ({elements:[{price_components, restrictions}], min_price, max_price}), money as MoneyArg. */
  setTariff: StationRef & { readonly tariff: ArgObject };
  getTariff: StationRef & { readonly version?: number };
  createBooking: BookingRef &
    StationRef & {
      readonly evseUid: string;
      readonly startAt: IsoTime;
      readonly endAt: IsoTime;
      readonly acceptNoFreeCancellation?: boolean;
    };
  cancelBooking: BookingRef;
  settleNoShow: BookingRef;
  getStationAddress: StationRef;
  myBookings: Limit & { readonly status?: BookingStatus };
  getBooking: BookingRef;
  /** Without `stationId`: every station the caller hosts (the operator: every station). */
  stationBookings: Limit & { readonly stationId?: string; readonly status?: BookingStatus };
  canAuthorize: StartRequestArgs;
  startSession: StartRequestArgs & SessionRef;
  /** `ocmf`: the wallbox's signed records, begin and end (none for a tariff without energy). */
  stopSession: SessionRef & { readonly ocmf?: readonly string[] };
  releaseExpiredHold: SessionRef;
  invalidateSession: SessionRef & { readonly reason: string };
  getSession: SessionRef;
  openDispute: SessionRef & { readonly reason: string };
  answerDispute: SessionRef & { readonly statement: string };
  resolveDispute: SessionRef & { readonly refund: MoneyArg };
  getDispute: SessionRef;
  rateSession: SessionRef & { readonly score: number; readonly comment?: string };
  getStationRatings: StationRef;
  searchStations: Limit & {
    readonly country?: string;
    readonly city?: string;
    readonly connectorStandard?: (typeof CONNECTOR_STANDARDS)[number];
    readonly powerType?: (typeof POWER_TYPES)[number];
    readonly minPowerW?: number;
    readonly availableOnly?: boolean;
  };
  myStations: NoArgs;
  mySessions: Limit & { readonly status?: SessionStatus };
  myCdrs: Limit;
  auditTotals: NoArgs;
}

/** What each transaction answers, as the domain builds it (bigint money); on the wire: `ResultOf`. */
export interface TransactionResults {
  initialize: Params;
  setParams: Params;
  getParams: Params;
  mint: MintRecord & { readonly replayed: boolean };
  transfer: { readonly to: string; readonly amount: bigint };
  claimEarnings: { readonly claimed: bigint; readonly count: number; readonly stillLocked: number };
  requestPayout: Payout & { readonly claimedNow: bigint };
  setPayoutDestination: MaskedDestination;
  getPayoutDestination: MaskedDestination | null;
  pendingPayouts: PendingPayout[];
  confirmPayout: Payout;
  failPayout: Payout;
  getBalance: Balance;
  registerStation: PublicStation;
  updateStation: PublicStation;
  pinMeter: PublicStation;
  pinMeterFromBackend: PublicStation;
  approveMeter: PublicStation;
  getStation: PublicStation;
  setTariff: { readonly stationId: string; readonly version: number; readonly tariff: JsonObject };
  getTariff: { readonly stationId: string; readonly version: number; readonly tariff: JsonObject };
  createBooking: NewBooking;
  cancelBooking: Booking;
  settleNoShow: Booking;
  getStationAddress: Address & { readonly stationId: string };
  myBookings: Booking[];
  getBooking: Booking;
  stationBookings: Booking[];
  canAuthorize: { readonly status: AuthorizationStatus; readonly code?: string; readonly reason?: string };
  startSession: Session;
  stopSession: { readonly session: Session; readonly cdr: Cdr; readonly price: Price };
  releaseExpiredHold: Session;
  invalidateSession: Session;
  getSession: Session;
  openDispute: Dispute;
  answerDispute: Dispute;
  resolveDispute: { readonly dispute: Dispute; readonly creditCdr?: Cdr };
  getDispute: Dispute;
  rateSession: Rating;
  getStationRatings: { readonly stationId: string; readonly count: number; readonly scoreSum: number };
  searchStations: PublicStation[];
  myStations: PublicStation[];
  mySessions: (Session & { readonly role: 'DRIVER' | 'HOST' })[];
  myCdrs: Cdr[];
  auditTotals: SupplyTotals;
}

/** The arguments of transaction `N`. */
export type ArgsOf<N extends TransactionName> = TransactionArgs[N];
/** The answer of transaction `N` as it arrives: JSON, money as decimal strings of minor units. */
export type ResultOf<N extends TransactionName> = Jsonified<TransactionResults[N]>;

/** Whether `name` is a public transaction (for input that is not typed, e.g. a command line). */
export function isTransactionName(name: string): name is TransactionName {
  return Object.prototype.hasOwnProperty.call(TRANSACTION_KINDS, name);
}
