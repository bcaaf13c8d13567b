// The named values both sides of the wire share: booking and station enumerations, OCMF signature
// methods, text limits. The domain validates with them and the CLI offers them as choices.

export type BookingStatus = 'CONFIRMED' | 'CANCELLED' | 'USED' | 'NO_SHOW';
export const BOOKING_STATUSES: readonly BookingStatus[] = ['CONFIRMED', 'CANCELLED', 'USED', 'NO_SHOW'];

/** The longest host statement in a dispute, in characters after trimming. */
export const DISPUTE_STATEMENT_MAX = 1000;

/** OCMF signature methods (`SA`) a station's meter may be pinned with. */
export const KNOWN_SIGNATURE_METHODS = [
  'ECDSA-secp192k1-SHA256',
  'ECDSA-secp256k1-SHA256',
  'ECDSA-secp384r1-SHA256',
  'ECDSA-brainpool256r1-SHA256',
  'ECDSA-secp256r1-SHA256',
] as const;

export const PARKING_TYPES = [
  'ALONG_MOTORWAY',
  'PARKING_GARAGE',
  'PARKING_LOT',
  'ON_DRIVEWAY',
  'ON_STREET',
  'UNDERGROUND_GARAGE',
] as const;
export const CONNECTOR_STANDARDS = [
  'DOMESTIC_F',
  'IEC_60309_2_single_16',
  'IEC_60309_2_three_16',
  'IEC_60309_2_three_32',
  'IEC_62196_T1',
  'IEC_62196_T1_COMBO',
  'IEC_62196_T2',
  'IEC_62196_T2_COMBO',
  'CHADEMO',
  'TESLA_S',
] as const;
export const CONNECTOR_FORMATS = ['SOCKET', 'CABLE'] as const;
export const POWER_TYPES = ['AC_1_PHASE', 'AC_2_PHASE', 'AC_3_PHASE', 'DC'] as const;
/** Host-set availability (OCPI EVSE status subset); CHARGING is derived from the active-session key. */
export const STATION_STATUSES = ['AVAILABLE', 'INOPERATIVE', 'OUTOFORDER', 'REMOVED'] as const;
