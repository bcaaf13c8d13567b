// The records the ledger answers with, as the domain keeps them (money as bigint minor units,
// energy as bigint milli-watt-hours, times as epoch milliseconds). Their home is the protocol: the
// domain builds them, and the client reads them as `Jsonified<...>` (bigint as decimal strings)
// through the typed transaction table in transactions.ts.
import type { PinnedMeter } from './ocmf/pinned-meter';
import type { MilliWh, Money } from './units';
import {
  CONNECTOR_FORMATS,
  CONNECTOR_STANDARDS,
  POWER_TYPES,
  STATION_STATUSES,
  type BookingStatus,
} from './vocabulary';

// accounts
export interface Payout {
  readonly account: string;
  readonly payoutId: string;
  readonly amount: Money;
  readonly status: 'PENDING' | 'CONFIRMED' | 'FAILED';
  readonly requestedAt: number;
  readonly closedAt?: number;
  readonly reason?: string;
}
export interface MintRecord {
  readonly account: string;
  readonly amount: Money;
  readonly paymentRef: string;
  readonly txId: string;
  readonly mintedAt: number;
}
/** A pending payout as the issuer sees it: with where to send the money. */
export type PendingPayout = Payout & { readonly destination: PayoutDestination | null };
export interface Balance {
  readonly account: string;
  readonly purchased: Money;
  readonly earned: { readonly payable: Money; readonly locked: Money; readonly frozen: Money };
  readonly held: { readonly sessions: Money; readonly bookings: Money; readonly payouts: Money };
  readonly total: Money;
}

// bookings
export interface Booking {
  readonly id: string;
  readonly driver: string;
  readonly host: string;
  readonly stationId: string;
  readonly evseUid: string;
  readonly startAt: number;
  readonly endAt: number;
  readonly cancelUntil: number;
  readonly noShowFee: Money;
  readonly status: BookingStatus;
  readonly createdAt: number;
  readonly closedAt?: number;
  readonly sessionId?: string;
  readonly feeCharged?: Money;
}
/** What createBooking answers: the booking, and whether it can still be cancelled for free. */
export type NewBooking = Booking & { readonly freeCancellation: boolean };

// disputes
export interface Dispute {
  readonly sessionId: string;
  readonly driver: string;
  readonly host: string;
  readonly reason: string;
  readonly status: 'OPEN' | 'RESOLVED';
  readonly openedAt: number;
  /** The host's side, given once while the dispute is open (answerDispute). */
  readonly answer?: string;
  readonly answeredAt?: number;
  readonly resolvedAt?: number;
  readonly refund?: Money;
  readonly creditCdrId?: string;
}

// params
export interface Params {
  readonly operator: string;
  readonly issuer: string;
  readonly auditors: readonly string[];
  /** The consortium's OCPP charging backends that relay meter data. */
  readonly backends: readonly string[];
  /** Platform fee on captured session amounts, basis points (0-10000), rounded down. */
  readonly feeBps: number;
  readonly holdDefault: Money;
  readonly holdMinimum: Money;
  readonly holdMaximum: Money;
  /** A session hold may be released by anyone this long after the session started. */
  readonly holdExpirySeconds: number;
  /** Earnings stay locked (and disputable) this long after settlement. */
  readonly disputeWindowSeconds: number;
  readonly signatureMethods: readonly string[];
  readonly transfersEnabled: boolean;
  /** Tolerance between meter clocks and the transaction clock. */
  readonly meterClockSkewSeconds: number;
  /**
   * How much more energy than the connector's maximum power times the readings' duration a
   * settlement still accepts, basis points (1000 = 10 %): meters and power ratings have tolerances.
   */
  readonly meterPowerToleranceBps: number;
  /**
   * Whether a meter key the host typed in (not pinned by a charging backend nor approved by the
   * operator) may settle energy-priced sessions. Off by default: the host would vouch for its own meter.
   */
  readonly allowUnverifiedMeterKeys: boolean;
  /** A booked driver gets the exact address this long before the booking starts (or once cancelling costs the fee). */
  readonly addressReleaseSeconds: number;
  /** At most this many distinct stations' addresses per driver in any 24 hours. */
  readonly addressReleasesPerDay: number;
  /** The largest single top-up the issuer may mint (minor units): a typo of a few digits is refused. */
  readonly mintMaximum: Money;
  readonly version: number;
  readonly updatedAt: number;
}

// payout-destinations
export interface PayoutDestination {
  readonly kind: 'IBAN' | 'REFERENCE';
  /** The IBAN in electronic format (no spaces, upper case), or the reference as given. */
  readonly value: string;
  readonly updatedAt: number;
}
/** What the host sees of its own destination: the kind and the last four characters. */
export interface MaskedDestination {
  readonly kind: PayoutDestination['kind'];
  readonly masked: string;
  readonly updatedAt: number;
}

// pricing
export const DIMENSIONS = ['ENERGY', 'FLAT', 'PARKING_TIME', 'TIME'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export const DAYS_OF_WEEK = [
  'MONDAY',
  'TUESDAY',
  'WEDNESDAY',
  'THURSDAY',
  'FRIDAY',
  'SATURDAY',
  'SUNDAY',
] as const;
export type DayOfWeek = (typeof DAYS_OF_WEEK)[number];
export interface PriceComponent {
  readonly type: Dimension;
  /** Minor units per kWh (ENERGY), per hour (TIME, PARKING_TIME) or per session (FLAT). */
  readonly price: Money;
  /** Wh for ENERGY, seconds for TIME and PARKING_TIME, ignored for FLAT. */
  readonly stepSize: number;
}
export interface Restrictions {
  /** Local minutes after midnight; start inclusive, end exclusive, end <= start wraps midnight. */
  readonly startTime?: number;
  readonly endTime?: number;
  readonly dayOfWeek?: readonly DayOfWeek[];
  readonly minKwh?: MilliWh;
  readonly maxKwh?: MilliWh;
  /** Seconds since the session started. */
  readonly minDuration?: number;
  readonly maxDuration?: number;
  /** Amperes, summed over phases. */
  readonly minCurrent?: number;
  readonly maxCurrent?: number;
}
export interface TariffElement {
  readonly priceComponents: readonly PriceComponent[];
  readonly restrictions?: Restrictions;
}
export interface Tariff {
  readonly elements: readonly TariffElement[];
  readonly minPrice?: Money;
  readonly maxPrice?: Money;
}

export interface BilledDimension {
  /** mWh for ENERGY, ms for TIME and PARKING_TIME, 1 for FLAT; after step rounding, rounded down for display. */
  readonly quantity: bigint;
  /** Exact cost rounded down, for display; the total is rounded once from the exact sum. */
  readonly cost: Money;
}

export interface Price {
  /** What the session costs, rounded down to whole minor units. */
  readonly total: Money;
  /** The exact amount before rounding, as a fraction. */
  readonly exact: { readonly numerator: bigint; readonly denominator: bigint };
  readonly dimensions: Readonly<Partial<Record<Dimension, BilledDimension>>>;
}

// queries
export interface SupplyTotals {
  readonly minted: Money;
  readonly burned: Money;
  readonly purchased: Money;
  readonly earnedPayable: Money;
  readonly earnedLocked: Money;
  readonly platformFees: Money;
  readonly heldSessions: Money;
  readonly heldBookings: Money;
  readonly pendingPayouts: Money;
  /** Sum of all buckets of all accounts (platform fees included). */
  readonly buckets: Money;
  /** minted - burned === buckets. */
  readonly balanced: boolean;
}

// ratings
export interface Rating {
  readonly sessionId: string;
  readonly stationId: string;
  readonly party: 'DRIVER' | 'HOST';
  readonly score: number;
  readonly comment?: string;
  readonly createdAt: number;
}

// sessions
/** OCPP 2.0.1 AuthorizationStatusEnumType. */
export type AuthorizationStatus =
  | 'Accepted'
  | 'Blocked'
  | 'ConcurrentTx'
  | 'Expired'
  | 'Invalid'
  | 'NoCredit'
  | 'NotAllowedTypeEVSE'
  | 'NotAtThisLocation'
  | 'NotAtThisTime'
  | 'Unknown';
export type SessionStatus = 'ACTIVE' | 'COMPLETED' | 'EXPIRED' | 'INVALID';
export interface Session {
  readonly id: string;
  readonly driver: string;
  readonly host: string;
  readonly stationId: string;
  readonly evseUid: string;
  readonly connectorId: string;
  readonly tariffVersion: number;
  readonly bookingId?: string;
  readonly holdAmount: Money;
  readonly holdExpiresAt: number;
  readonly startedAt: number;
  readonly status: SessionStatus;
  readonly endedAt?: number;
  readonly cdrId?: string;
  readonly reason?: string;
}
export interface Cdr {
  readonly id: string;
  readonly sessionId: string;
  readonly credit: boolean;
  readonly creditReferenceId?: string;
  readonly driver: string;
  readonly host: string;
  readonly stationId: string;
  readonly evseUid: string;
  readonly tariffVersion: number;
  readonly startDateTime: string;
  readonly endDateTime: string;
  readonly chargingEndDateTime?: string;
  readonly totalEnergyMilliWh: MilliWh;
  readonly totalTimeMs: number;
  readonly totalParkingTimeMs: number;
  /** Priced by the frozen tariff (negative on a credit CDR). */
  readonly totalCost: Money;
  /** What was taken from the hold: min(totalCost, hold). */
  readonly captured: Money;
  /** totalCost beyond the hold, which the host does not get (the driver authorised only the hold). */
  readonly uncollected: Money;
  readonly platformFee: Money;
  readonly hostEarning: Money;
  readonly meterSerial?: string;
  readonly meterPayloadHashes: readonly string[];
  readonly disputeUntil: number;
  readonly createdAt: number;
}

// stations
export type StationStatus = (typeof STATION_STATUSES)[number];
export interface Connector {
  readonly id: string;
  readonly standard: (typeof CONNECTOR_STANDARDS)[number];
  readonly format: (typeof CONNECTOR_FORMATS)[number];
  readonly powerType: (typeof POWER_TYPES)[number];
  readonly maxVoltage: number;
  readonly maxAmperage: number;
  /** Watts. */
  readonly maxElectricPower: number;
}
export interface Evse {
  readonly uid: string;
  readonly connectors: readonly Connector[];
}
/** Coarse public location: city level plus coordinates rounded to 2 decimals (about 1 km). */
export interface PublicLocation {
  readonly country: string;
  readonly city: string;
  readonly postalCode?: string;
  readonly latitude: string;
  readonly longitude: string;
}
export interface Address {
  readonly street: string;
  readonly houseNumber: string;
  readonly postalCode: string;
  readonly city: string;
  readonly country: string;
  readonly directions?: string;
}
export interface BookingTerms {
  /** Charged to the driver (held at booking) when they do not show up or cancel late. */
  readonly noShowFee: Money;
  /** Free cancellation until this many minutes before the booked start. */
  readonly cancelBeforeMinutes: number;
  readonly maxDurationMinutes: number;
}
/**
 * Who vouches for the pinned meter key: the host typed it in (UNVERIFIED), a consortium charging
 * backend read it from the wallbox (BACKEND), or the operator approved it (OPERATOR). Only a
 * verified key settles energy-priced sessions, unless the parameter allowUnverifiedMeterKeys is on.
 */
export type MeterVerification = 'UNVERIFIED' | 'BACKEND' | 'OPERATOR';
export interface PublicStation {
  readonly id: string;
  readonly name: string;
  readonly host: string;
  readonly location: PublicLocation;
  readonly parkingType: string;
  readonly utcOffsetMinutes: number;
  readonly evses: readonly Evse[];
  readonly openingHours: {
    readonly twentyfourseven: boolean;
    readonly regularHours: readonly { weekday: number; periodBegin: string; periodEnd: string }[];
  };
  readonly status: StationStatus;
  readonly meter?: PinnedMeter;
  /** Present with a meter: who vouches for its key. */
  readonly meterVerification?: MeterVerification;
  readonly bookingTerms?: BookingTerms;
  readonly tariffVersion: number;
}
