// The OCMF (Open Charge Metering Format) module: parse, verify, pair and sign signed meter records.
export { CURVE_NAMES, CURVES, type Curve, type CurveName } from './curves';
export { JsonNumber, parseExactJson, type JsonObject, type JsonValue } from './json';
export {
  assessBilling,
  BILLING_DEFAULTS,
  SESSION_RULES,
  type BillingAssessment,
  type SessionContext,
  type SessionRule,
} from './billing';
export {
  NotBillable,
  pairReadings,
  type MeterPair,
  type PairableRecord,
  type PairEnd,
  type PairingRule,
} from './pairing';
export { parsePagination, type Pagination, type PaginationContext } from './pagination';
export {
  IDENTIFICATION_ERROR_LEVELS,
  IDENTIFICATION_TYPES,
  parseOcmfPayload,
  type IdentificationType,
  type OcmfChargePoint,
  type OcmfGateway,
  type OcmfIdentification,
  type OcmfMeter,
  type OcmfPayload,
} from './payload';
export {
  meterPublicKeyHex,
  parseMeterPublicKey,
  type MeterPublicKey,
  type MeterPublicKeyInput,
} from './public-key';
export {
  END_CODES,
  INHERITED_FIELDS,
  isEndCode,
  METER_STATUSES,
  parseReadings,
  TRANSACTION_CODES,
  type InheritedField,
  type MeterStatus,
  type OcmfReading,
  type TransactionCode,
} from './reading';
export {
  compareExact,
  ENERGY_UNITS,
  floorMilliWh,
  formatExact,
  isWholeMilliWh,
  MAX_VALUE_DIGITS,
  READING_UNITS,
  readingValue,
  subtractExact,
  type EnergyUnit,
  type ExactDecimal,
  type ReadingUnit,
  type ReadingValue,
} from './reading-value';
export { MAX_RECORD_LENGTH, splitOcmfRecord, type OcmfRecordParts } from './record';
export { signOcmfRecord, type OcmfPayloadDraft, type OcmfReadingDraft, type SignOptions } from './sign';
export {
  DEFAULT_SIGNATURE_METHOD,
  parseSignatureMethod,
  parseSignatureSection,
  signatureMethodFor,
  signatureToP1363,
  withSignatureMethod,
  type OcmfSignature,
  type SignatureForm,
  type SignatureEncoding,
  type SignatureMethod,
} from './signature';
export { formatOcmfTime, parseOcmfTime, TIME_STATUSES, type OcmfTime, type TimeStatus } from './time';
export {
  inspectOcmfRecord,
  verifyOcmfRecord,
  type UnverifiedOcmfRecord,
  type VerifiedOcmfRecord,
} from './verify';
export { ocmfMeterVerifier } from './meter-verifier';
