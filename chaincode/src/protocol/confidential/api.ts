// The confidential contract's interface: transaction names and the records they exchange. The
// enclave side (chaincode/src/enclave, chaincode/src/fabric) implements it; the client
// (client/src/confidential) calls it. Records on the ledger under these keys are public by design:
// identities, evidence, public keys, policy — never secrets or business data.
import { toHex } from './encoding';
import { sha256 } from './primitives';
import type { AttestationPolicy } from '../attestation';
import type { KeyRecord, KeyWrap, Voucher } from './key-record';

/** fabric-contract-api name of the confidential contract. */
export const CONFIDENTIAL_CONTRACT = 'confidential';

/** Transaction names; `submit` = write transaction, `evaluate` = query. */
export const Confidential = {
  /** evaluate () → EnclaveEvidence of the enclave serving the peer that answers. */
  evidence: 'enclaveEvidence',
  /** submit (evidence JSON) → RegistryRecord; every endorsing enclave verifies the evidence (clock = tx time). */
  register: 'registerEnclave',
  /** evaluate () → RegistryRecord[] */
  enclaves: 'listEnclaves',
  /**
   * submit (genesis JSON `{policy, operatorCommitment}`) → GenesisProposal | GenesisRecord: a founding org's
   * admin approves the genesis; when every founding org approved the same one, the first policy and
   * the operator wallet are fixed (only while no policy exists).
   */
  approveGenesis: 'approveGenesis',
  /** evaluate () → GenesisRecord */
  genesis: 'getGenesis',
  /** submit (policy JSON) → PolicyProposal: an org admin proposes; counts as that org's approval. */
  proposePolicy: 'proposePolicy',
  /** submit (proposal id) → PolicyRecord | PolicyProposal: active once a majority of orgs approved. */
  approvePolicy: 'approvePolicy',
  /** evaluate () → PolicyRecord */
  policy: 'getPolicy',
  /** submit () → RotationProposal: an org admin proposes the next key epoch; counts as its approval. */
  proposeRotation: 'proposeRotation',
  /** submit (proposal id) → RotationProposal: the next epoch may be created once a majority approved. */
  approveRotation: 'approveRotation',
  /**
   * evaluate (org admin) () → KeyRecord of the next epoch (the first, or one a majority approved),
   * wrapped to every registered enclave this enclave verified at the transaction time.
   */
  createKeys: 'createKeys',
  /** submit (org admin) (KeyRecord JSON): publishes the epoch and its wraps and makes it current. */
  publishKeys: 'publishKeys',
  /**
   * submit (org admin) (enclave ids JSON, or empty for every attested enclave without a wrap) →
   * KeyWrap[]: every endorsing enclave verifies each recipient at the transaction time and writes
   * the same deterministic wraps of the current epoch.
   */
  shareKeys: 'shareKeys',
  /** evaluate (org admin) (epoch) → Voucher: the enclave imports the epoch's keys and vouches for their public halves. */
  vouch: 'vouchKeys',
  /** submit (org admin) (Voucher JSON) */
  recordVoucher: 'recordVoucher',
  /** evaluate () → KeyStatus */
  keyStatus: 'keyStatus',
  /**
   * evaluate (challenge, base64 of 16..64 random bytes) → SignedKeyStatus: the key status and the
   * answering enclave's statement on it, bound to the challenge and signed by its attested identity
   * key (key-status-statement.ts), so a gateway relaying it cannot forge another org's answer.
   */
  attestedKeyStatus: 'attestedKeyStatus',
  /** submit () → {removed, buckets, next}: an org admin removes nonce records of expired requests. */
  pruneNonces: 'pruneNonces',
  /** submit (request envelope) → sealed response (see envelope.ts) */
  submit: 'submit',
  /** evaluate (request envelope) → sealed response */
  evaluate: 'evaluate',
} as const;

export type EnclaveProvider = 'simulated' | 'gramine';

/** What an enclave presents about itself: its identity keys bound into a quote's report_data. */
export interface EnclaveEvidence {
  readonly v: 1;
  readonly provider: EnclaveProvider;
  readonly mspId: string;
  readonly channel: string;
  readonly chaincode: string;
  /** X25519 identity key, base64. */
  readonly boxPublicKey: string;
  /** Ed25519 identity key, base64; its hex is the enclave id. */
  readonly signingPublicKey: string;
  /** DCAP quote, base64. */
  readonly quote: string;
  /** PCCS-shaped collateral, JSON text. */
  readonly collateral: string;
}

/** The ledger's record of a registered enclave (key `enclave/<id>`). */
export interface RegistryRecord extends EnclaveEvidence {
  readonly id: string;
  readonly measurement: string;
  readonly mrSigner?: string;
  readonly tcbStatus: string;
  readonly advisoryIds: readonly string[];
  readonly simulated: boolean;
  /** Transaction time of the registration (ms) and its transaction id. */
  readonly registeredAt: number;
  readonly txId: string;
}

/** The consortium's attestation policy as the ledger holds it (key `policy/current`). */
export interface PolicyRecord {
  readonly v: 1;
  readonly version: number;
  readonly policy: AttestationPolicy;
  readonly approvedBy: readonly string[];
  readonly txId: string;
}

export interface PolicyProposal {
  readonly v: 1;
  readonly id: string;
  readonly policy: AttestationPolicy;
  readonly proposedBy: string;
  readonly approvals: readonly string[];
  readonly applied: boolean;
}

/** What the founding orgs fix together: the first attestation policy and the operator wallet. */
export interface Genesis {
  readonly policy: AttestationPolicy;
  /**
   * operatorCommitment of the operator's wallet caller id: the ledger and the transaction arguments
   * are readable by every peer, and wallet keys never appear there in clear.
   */
  readonly operatorCommitment: string;
}

/** A genesis collecting approvals (key `genesis/proposal/<id>`, id = hash of the genesis). */
export interface GenesisProposal extends Genesis {
  readonly v: 1;
  readonly id: string;
  readonly approvals: readonly string[];
  /** The founding orgs whose approvals are still missing. */
  readonly missing: readonly string[];
}

/** The applied genesis (key `genesis/current`). */
export interface GenesisRecord extends Genesis {
  readonly v: 1;
  readonly id: string;
  readonly approvedBy: readonly string[];
  readonly txId: string;
}

/** A proposed key rotation (key `rotation/<id>`): the next epoch, approved by a majority of orgs. */
export interface RotationProposal {
  readonly v: 1;
  readonly id: string;
  /** The epoch this rotation allows to be published. */
  readonly epoch: number;
  readonly proposedBy: string;
  readonly approvals: readonly string[];
  readonly approved: boolean;
}

export interface KeyStatus {
  readonly currentEpoch: number;
  readonly records: readonly KeyRecord[];
  /** Every wrap published for the epoch, including wraps added by sharing. */
  readonly wraps: readonly KeyWrap[];
  readonly vouchers: readonly Voucher[];
}

/** In confidential mode the domain knows a caller by their wallet: `w:` + hex of its Ed25519 key. */
export const WALLET_CALLER_PREFIX = 'w:';

export function walletCallerId(walletPublicKey: Uint8Array): string {
  return WALLET_CALLER_PREFIX + toHex(walletPublicKey);
}

const OPERATOR_COMMITMENT_DOMAIN = 'ecar/genesis-operator/v1\n';

/** The genesis' commitment to the operator's caller id (hex SHA-256; a wallet key is 32 random bytes, so it does not reverse). */
export function operatorCommitment(callerId: string): string {
  return toHex(sha256(OPERATOR_COMMITMENT_DOMAIN, callerId));
}
