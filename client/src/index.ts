// The package entry point for applications (`import { connectConfidential } from 'ecar'`): connecting
// to the confidential contract, wallets, attestation policy and verification, typed errors and OCMF
// verification. Operators' provisioning has its own entry, `ecar/provisioning`.

// connecting
export {
  connectConfidential,
  type ConnectOptions,
  type ConnectThroughGateway,
  type ConnectThroughNetwork,
  type ConnectTuning,
  type GatewayLike,
} from './connect-confidential';
export type { LedgerArg, LedgerArgs, LedgerClient, LedgerSubmitResult } from './fabric/ledger-client';
export { typedLedger, type Ledger, type TypedSubmitResult } from './typed-ledger';
// the transactions: names, kinds, arguments and the records they answer with
export {
  TRANSACTION_KINDS,
  isTransactionName,
  type ArgsOf,
  type EvaluateName,
  type IsoTime,
  type MoneyArg,
  type ResultOf,
  type SubmitName,
  type TransactionArgs,
  type TransactionName,
  type TransactionResults,
} from '../../chaincode/src/protocol/transactions';
export type * from '../../chaincode/src/protocol/records';
export type { Jsonified } from '../../chaincode/src/protocol/json';
export type { JsonObject, JsonValue } from '../../chaincode/src/protocol/json';
export type { WalletKey } from './confidential/confidential-client';
export { TrustCache } from './confidential/trust-cache';

// wallets
export {
  createWallet,
  openWallet,
  readWalletInfo,
  walletCallerId,
  type CreateWalletOptions,
  type UnlockedWallet,
  type WalletInfo,
} from './wallet/wallet-file';
export { WalletError, type WalletErrorCode } from './wallet/wallet-error';

// token amounts: integer minor units inside, decimals for people
export { displayMoney, parseTokenAmount } from '../../chaincode/src/protocol/units';

// attestation: the policy, the enclave set as a client judges it, single quotes
export { loadAttestationPolicy } from './application-policy';
export {
  InvalidPolicyError,
  parseCollateral,
  parseQuote,
  verifyQuote,
  type AttestationPolicy,
  type Collateral,
  type CollateralJson,
  type PolicyFailure,
  type Quote,
  type TcbStatus,
  type VerifiedQuote,
  type VerifyQuoteOptions,
} from '../../chaincode/src/protocol/attestation';
export { attestationStatus, type AttestationTarget } from './confidential/attestation-status';
export type { AttestationReport, EnclaveStatus } from './confidential/enclave-verifier';

// typed errors: every refusal of the ledger or the enclaves is an EcarError (code, details,
// transactionId, cause); EnclaveTrustError is the one the client raises before sending anything
export {
  EcarError,
  ErrorCodes,
  isErrorCode,
  type ErrorCode,
  type ErrorDetails,
  type ErrorOrigin,
} from '../../chaincode/src/protocol/errors';
export { EnclaveTrustError, type TrustFailure } from './confidential/trust-error';

// OCMF meter records
export {
  verifyMeterRecords,
  type MeterRecordInput,
  type MeterVerifyReport,
  type PairReport,
  type RecordReport,
} from './meter/report';
export { readSafeXml, xmlPublicKeyInput, type SafeXmlValue, type XmlPublicKey } from './meter/safe-xml';
export type { MeterPublicKeyInput } from '../../chaincode/src/protocol/ocmf';
