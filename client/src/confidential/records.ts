// Parses the confidential contract's public records as they arrive from a peer (registry, key status,
// evidence, policy): validated once at the edge, so the verifier and provisioning work on typed values.
import type { JsonValue } from '../../../chaincode/src/protocol/json';
import type {
  EnclaveEvidence,
  KeyStatus,
  PolicyProposal,
  PolicyRecord,
  RegistryRecord,
} from '../../../chaincode/src/protocol/confidential/api';
import {
  parseKeyRecord,
  parseKeyWrap,
  parseVoucher,
} from '../../../chaincode/src/protocol/confidential/key-record';
import { parsePolicy } from '../../../chaincode/src/protocol/attestation';
import { EcarError, type ErrorCode } from '../../../chaincode/src/protocol/errors';

type Fields = Record<string, unknown>;

function object(value: unknown, what: string, code: ErrorCode): Fields {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new EcarError(code, `${what} must be a JSON object`);
  }
  return value as Fields;
}

function list(value: unknown, what: string, code: ErrorCode): readonly unknown[] {
  if (!Array.isArray(value)) throw new EcarError(code, `${what} must be a JSON list`);
  return value as readonly unknown[];
}

function text(fields: Fields, key: string, what: string, code: ErrorCode): string {
  const value = fields[key];
  if (typeof value !== 'string') throw new EcarError(code, `${what}: '${key}' must be a string`);
  return value;
}

function integer(fields: Fields, key: string, what: string, code: ErrorCode): number {
  const value = fields[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new EcarError(code, `${what}: '${key}' must be an integer`);
  }
  return value;
}

function strings(fields: Fields, key: string, what: string, code: ErrorCode): string[] {
  return list(fields[key] ?? [], `${what}: '${key}'`, code).map((item) => {
    if (typeof item !== 'string') throw new EcarError(code, `${what}: '${key}' must list strings`);
    return item;
  });
}

const EVIDENCE = 'ATTESTATION_FORMAT_INVALID';

/** An enclave's evidence as `enclaveEvidence` answers it. */
export function parseEnclaveEvidence(value: unknown, what = 'enclave evidence'): EnclaveEvidence {
  const fields = object(value, what, EVIDENCE);
  if (fields.v !== 1) throw new EcarError(EVIDENCE, `${what}: unsupported version`);
  const provider = text(fields, 'provider', what, EVIDENCE);
  if (provider !== 'simulated' && provider !== 'gramine') {
    throw new EcarError(EVIDENCE, `${what}: unknown provider '${provider.slice(0, 32)}'`);
  }
  return {
    v: 1,
    provider,
    mspId: text(fields, 'mspId', what, EVIDENCE),
    channel: text(fields, 'channel', what, EVIDENCE),
    chaincode: text(fields, 'chaincode', what, EVIDENCE),
    boxPublicKey: text(fields, 'boxPublicKey', what, EVIDENCE),
    signingPublicKey: text(fields, 'signingPublicKey', what, EVIDENCE),
    quote: text(fields, 'quote', what, EVIDENCE),
    collateral: text(fields, 'collateral', what, EVIDENCE),
  };
}

/** One registry record. Its measurement and TCB fields are the registrar's view; the verifier recomputes them. */
function parseRegistryRecord(value: unknown, what = 'registry record'): RegistryRecord {
  const evidence = parseEnclaveEvidence(value, what);
  const fields = value as Fields;
  const id = text(fields, 'id', what, EVIDENCE);
  if (!/^[0-9a-f]{64}$/.test(id)) throw new EcarError(EVIDENCE, `${what}: 'id' must be an enclave id`);
  const mrSigner = fields.mrSigner;
  if (mrSigner !== undefined && typeof mrSigner !== 'string') {
    throw new EcarError(EVIDENCE, `${what}: 'mrSigner' must be a string`);
  }
  return {
    ...evidence,
    id,
    measurement: text(fields, 'measurement', what, EVIDENCE),
    ...(mrSigner === undefined ? {} : { mrSigner }),
    tcbStatus: text(fields, 'tcbStatus', what, EVIDENCE),
    advisoryIds: strings(fields, 'advisoryIds', what, EVIDENCE),
    simulated: fields.simulated === true,
    registeredAt: integer(fields, 'registeredAt', what, EVIDENCE),
    txId: text(fields, 'txId', what, EVIDENCE),
  };
}

/** `listEnclaves`' answer. */
export function parseRegistryRecords(value: JsonValue): RegistryRecord[] {
  return list(value, 'the enclave registry', EVIDENCE).map((item, i) =>
    parseRegistryRecord(item, `registry record ${i + 1}`),
  );
}

/** `keyStatus`' answer; an empty ledger answers currentEpoch 0 with no records. */
export function parseKeyStatus(value: JsonValue): KeyStatus {
  const what = 'key status';
  const fields = object(value, what, 'KEYS_UNAVAILABLE');
  const currentEpoch = integer(fields, 'currentEpoch', what, 'KEYS_UNAVAILABLE');
  if (currentEpoch < 0) throw new EcarError('KEYS_UNAVAILABLE', `${what}: negative epoch`);
  return {
    currentEpoch,
    records: list(fields.records ?? [], `${what}: records`, 'KEYS_UNAVAILABLE').map((r) => parseKeyRecord(r)),
    wraps: list(fields.wraps ?? [], `${what}: wraps`, 'KEYS_UNAVAILABLE').map((w) => parseKeyWrap(w)),
    vouchers: list(fields.vouchers ?? [], `${what}: vouchers`, 'KEYS_UNAVAILABLE').map((v) =>
      parseVoucher(v),
    ),
  };
}

/** `getPolicy`' answer. */
export function parsePolicyRecord(value: JsonValue): PolicyRecord {
  const what = 'policy record';
  const fields = object(value, what, 'INVALID_STATE');
  return {
    v: 1,
    version: integer(fields, 'version', what, 'INVALID_STATE'),
    policy: parsePolicy(fields.policy),
    approvedBy: strings(fields, 'approvedBy', what, 'INVALID_STATE'),
    txId: text(fields, 'txId', what, 'INVALID_STATE'),
  };
}

/** `proposePolicy` / `approvePolicy` answer while the proposal is pending. */
export function parsePolicyProposal(value: JsonValue): PolicyProposal {
  const what = 'policy proposal';
  const fields = object(value, what, 'INVALID_STATE');
  return {
    v: 1,
    id: text(fields, 'id', what, 'INVALID_STATE'),
    policy: parsePolicy(fields.policy),
    proposedBy: text(fields, 'proposedBy', what, 'INVALID_STATE'),
    approvals: strings(fields, 'approvals', what, 'INVALID_STATE'),
    applied: fields.applied === true,
  };
}
