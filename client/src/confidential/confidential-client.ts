// The confidential LedgerClient: verifies the enclave set (DESIGN 5.1) before anything is encrypted,
// seals each call to the chaincode key with the wallet's signature and the submitting identity,
// checks the enclave's receipt and opens the answer before a write is sent for ordering, and retries
// read conflicts (MVCC, phantom) only. Every attempt of one call carries the same nonce, so a retry
// can never execute a call twice, even when a peer lied about the first attempt.
import { setTimeout as sleep } from 'node:timers/promises';
import { canonicalJson } from '../../../chaincode/src/protocol/json';
import type { JsonValue } from '../../../chaincode/src/protocol/json';
import type { AttestationPolicy } from '../../../chaincode/src/protocol/attestation';
import {
  CONFIDENTIAL_CONTRACT,
  Confidential,
  walletCallerId,
} from '../../../chaincode/src/protocol/confidential/api';
import { toB64 } from '../../../chaincode/src/protocol/confidential/encoding';
import {
  submitterBinding,
  type SubmitterBinding,
} from '../../../chaincode/src/protocol/confidential/envelope';
import type { SigningKeyPair } from '../../../chaincode/src/protocol/confidential/primitives';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import {
  isReadConflict,
  toLedgerError,
  type LedgerArgs,
  type LedgerClient,
  type LedgerSubmitResult,
} from '../fabric/ledger-client';
import { commitWithRetry, retryPolicy, type CommitOutcome, type RetryPolicy } from '../fabric/commit-retry';
import { DEFAULT_MIN_ORGS, verifyEnclaveSet, type TrustedKeys } from './enclave-verifier';
import type { ContractPort, NetworkPort } from './gateway-ports';
import {
  publicReads,
  readOrgsKeyStatus,
  readOrgsRegistry,
  requireOrgsAsked,
  type OrgsKeyStatus,
} from './org-reads';
import {
  encodeArgValue,
  prepareCall,
  requestLifetimeMs,
  sealCall,
  type PreparedCall,
  type SealingParty,
} from './request-sealing';
import {
  answerError,
  openAnswer,
  openVerifiedAnswer,
  type RequestContext,
  type VerifiedAnswer,
} from './sealed-answer';
import { consumedByEarlierAttempt, isSignedEpochMoved } from './attempts';
import { requireAttestedStatements, statementTrustFailures } from './statement-trust';
import { TrustCache } from './trust-cache';
import { EnclaveTrustError } from './trust-error';

/** Reads of the key status again while the orgs' peers disagree on the epoch (one may be a block behind). */
const KEY_STATUS_LAG_RETRIES = 5;

/** The wallet's Ed25519 key pair: signs every request (the wallet store is a separate concern). */
export type WalletKey = SigningKeyPair;

export { DEFAULT_REQUEST_LIFETIME_MS } from './request-sealing';

/** The Fabric identity the gateway connection submits with (fabric-gateway's Identity). */
export interface SubmittingIdentity {
  readonly mspId: string;
  /** The credential bytes exactly as the gateway connection was given them (PEM certificate). */
  readonly credentials: Uint8Array;
}

export interface ConfidentialLedgerClientOptions {
  /** The channel through a gateway connection (fabric-gateway Network). */
  readonly network: NetworkPort;
  /** The identity of that connection (gateway.getIdentity()): requests are bound to it. */
  readonly identity: SubmittingIdentity;
  readonly chaincode: string;
  /** The wallet key that signs requests; the enclave runs each call as this wallet. */
  readonly wallet: WalletKey;
  /** The client's own attestation policy (from its profile). */
  readonly policy: AttestationPolicy;
  /** Distinct orgs whose attested enclaves must vouch for the keys (at least policy.minOrgs); default 2. */
  readonly minOrgs?: number;
  /** Share one cache between clients to verify the enclave set once per epoch; default: a private one. */
  readonly trustCache?: TrustCache;
  /** notAfter = now + this; capped at MAX_REQUEST_LIFETIME_MS. Default 2 minutes. */
  readonly requestLifetimeMs?: number;
  /** Submits of one call at most, read conflicts (MVCC, phantom) included; default 4. */
  readonly maxAttempts?: number;
  /** Wait before the n-th retry is n times this (plus jitter); default 150 ms. */
  readonly retryDelayMs?: number;
  /**
   * How long a verified key status is used without reading it again; default 5 s, 0 reads it on
   * every call. A rotation or re-provisioning inside that time makes the enclave refuse the request
   * as bound to an old epoch; the client then reads and verifies at once and sends the call again.
   */
  readonly keyStatusTtlMs?: number;
  /** The clock for evidence checks and notAfter; default the system clock. */
  readonly clock?: () => Date;
}

/** Options of one confidential read. */
export interface EvaluateOptions {
  /** MSP ids of orgs whose peers must answer the same read from the same state (read-set digest). */
  readonly confirmOrgs?: readonly string[];
}

/**
 * Every confirming org's enclave read the same state and answered the same result as the first.
 *
 * @throws EcarError INVALID_STATE (rule read-set-mismatch) naming the first org that differs.
 */
function requireSameReads(
  first: VerifiedAnswer,
  others: readonly VerifiedAnswer[],
  orgs: readonly string[],
): void {
  others.forEach((answer, i) => {
    const mspId = orgs[i] ?? '?';
    const fail = (reason: string): never => {
      throw new EcarError('INVALID_STATE', `the answer of ${mspId}'s peer ${reason}`, {
        rule: 'read-set-mismatch',
        mspId,
      });
    };
    if (first.readSet === undefined || answer.readSet === undefined)
      fail('cannot be compared: an enclave did not report the state it read');
    if (answer.readSet !== first.readSet)
      fail("rests on other state than the gateway peer's (one of them is stale or edited)");
    if (canonicalJson(answer.result) !== canonicalJson(first.result))
      fail("differs from the gateway peer's over the same state");
  });
}

/**
 * A confidential ledger session for one wallet over one gateway identity.
 *
 * @example
 * const ledger = new ConfidentialLedgerClient({ network, chaincode: 'ecar', wallet, policy });
 * const { result, transactionId } = await ledger.submit('mint', { account, amount: 5000n, paymentRef });
 * const balance = await ledger.evaluate('getBalance', {});
 */
export class ConfidentialLedgerClient implements LedgerClient {
  readonly #contract: ContractPort;
  readonly #channel: string;
  readonly #chaincode: string;
  readonly #wallet: WalletKey;
  readonly #policy: AttestationPolicy;
  readonly #minOrgs: number;
  readonly #cache: TrustCache;
  readonly #lifetimeMs: number;
  readonly #retry: RetryPolicy;
  readonly #keyStatusTtlMs: number;
  readonly #submitter: SubmitterBinding;
  #fresh: { readonly keys: TrustedKeys; readonly until: number } | undefined;
  readonly #clock: () => Date;
  #lastTransactionId: string | undefined;

  constructor(options: Readonly<ConfidentialLedgerClientOptions>) {
    if (options.wallet.seed.length !== 32 || options.wallet.publicKey.length !== 32) {
      throw new EcarError('INVALID_ARGUMENT', 'the wallet key must be an Ed25519 key pair (32-byte seed)');
    }
    this.#contract = options.network.getContract(options.chaincode, CONFIDENTIAL_CONTRACT);
    this.#channel = options.network.getName();
    this.#chaincode = options.chaincode;
    this.#wallet = options.wallet;
    this.#submitter = submitterBinding(options.identity.mspId, options.identity.credentials);
    this.#policy = options.policy;
    this.#minOrgs = Math.max(options.policy.minOrgs, options.minOrgs ?? DEFAULT_MIN_ORGS);
    this.#cache = options.trustCache ?? new TrustCache();
    this.#lifetimeMs = requestLifetimeMs(options.requestLifetimeMs);
    this.#retry = retryPolicy(options);
    this.#keyStatusTtlMs = Math.max(0, options.keyStatusTtlMs ?? 5_000);
    this.#clock = options.clock ?? ((): Date => new Date());
  }

  /** The transaction id of the last proposal this client made (also of a failed one), for tests and demos. */
  get lastTransactionId(): string | undefined {
    return this.#lastTransactionId;
  }

  /** The wallet's public key, base64, as requests carry it. */
  get walletPublicKey(): string {
    return toB64(this.#wallet.publicKey);
  }

  /**
   * The verified chaincode keys: reads the key status, and the registry when the cache cannot answer.
   *
   * @throws EnclaveTrustError when the enclave set does not pass this client's policy.
   */
  async trustedKeys(): Promise<TrustedKeys> {
    const now = this.#clock();
    const fresh = this.#fresh;
    if (fresh !== undefined && now.getTime() < fresh.until && now < fresh.keys.expiresAt) return fresh.keys;
    const keys = await this.#verifyKeys(now);
    this.#fresh = { keys, until: now.getTime() + this.#keyStatusTtlMs };
    return keys;
  }

  /**
   * The signed key status from a peer of every org with enclaves (one peer cannot serve a retired
   * epoch, and the gateway cannot forge another org's answer), then the registry, merged from the same
   * orgs, when the cache cannot answer. The statements must be signed by accepted enclaves of enough
   * orgs: checked against the cached judgement, and when that does not know a signer (an enclave
   * registered since), against a fresh one.
   */
  async #verifyKeys(now: Date): Promise<TrustedKeys> {
    const read = publicReads(this.#contract);
    const asked = await this.#keyStatusOnceOrgsAgree(read);
    const basis = {
      channel: this.#channel,
      chaincode: this.#chaincode,
      keyStatus: asked.keyStatus,
      policy: this.#policy,
      minOrgs: this.#minOrgs,
    };
    const cached = this.#cache.lookup(basis, now);
    if (cached !== undefined) {
      // the cached judgement rests on these orgs' enclaves: each must have been asked this time too
      requireOrgsAsked(
        asked.orgs,
        cached.enclaves.map((enclave) => enclave.mspId),
      );
      if (statementTrustFailures(asked.statements, cached.enclaves, this.#minOrgs).length === 0)
        return cached;
    }
    const registry = await readOrgsRegistry(read, asked);
    const keys = verifyEnclaveSet({ ...basis, registry, now });
    requireAttestedStatements(asked.statements, keys.enclaves, this.#minOrgs);
    return this.#cache.store(keys, basis);
  }

  /**
   * The orgs' signed key status, read again while they disagree only on the epoch: right after a
   * rotation a peer of one org may not have committed the block yet. The waits double from the retry
   * delay (about 5 s in all by default); a peer that keeps naming another epoch still fails closed.
   */
  async #keyStatusOnceOrgsAgree(read: ReturnType<typeof publicReads>): Promise<OrgsKeyStatus> {
    const scope = { channel: this.#channel, chaincode: this.#chaincode };
    for (let retry = 0; ; retry += 1) {
      try {
        return await readOrgsKeyStatus(read, scope);
      } catch (error) {
        const lagging =
          error instanceof EnclaveTrustError &&
          error.failures.length > 0 &&
          error.failures.every((failure) => failure.rule === 'epoch-agreement');
        if (!lagging || retry >= KEY_STATUS_LAG_RETRIES) throw error;
        await sleep(this.#retry.retryDelayMs * 2 ** retry);
      }
    }
  }

  /**
   * Endorses a sealed write, checks the receipt and opens the answer, then orders it and waits for
   * the commit. A refused or unverifiable answer is never sent for ordering.
   *
   * @throws EnclaveTrustError when the enclave set is not trusted (nothing was encrypted).
   * @throws EcarError with the code the enclave sealed (INSUFFICIENT_FUNDS, FORBIDDEN, ...);
   *   ENVELOPE_INVALID when the receipt does not verify; CONFLICT after repeated read conflicts; INTERNAL when it committed with another invalid validation code.
   * @throws GatewayError when the network failed without an answer.
   */
  async submit(fn: string, args: LedgerArgs = {}): Promise<LedgerSubmitResult> {
    const call = prepareCall(fn, encodeArgValue(args), this.#clock(), this.#lifetimeMs);
    const attempts = new Map<string, CommitOutcome>();
    return commitWithRetry(fn, this.#retry, async () => {
      try {
        const outcome = await this.#withCurrentKeys((keys) => this.#submitAttempt(call, keys));
        attempts.set(outcome.transactionId, outcome);
        return outcome;
      } catch (error) {
        // the enclaves' signed word that this call's nonce was used: by an earlier attempt that a
        // peer reported as not committed; that attempt's checked answer is the call's answer
        const earlier = consumedByEarlierAttempt(error, attempts);
        if (earlier !== undefined) return { ...earlier, committed: true, readConflict: false };
        throw error;
      }
    });
  }

  /**
   * Runs a sealed read on one peer's enclave; nothing is ordered. With `confirmOrgs`, the same call
   * also runs on a peer of each named org, and the answer is believed only when every enclave read
   * the same state (the read-set digest its receipt covers) and gave the same result: a peer serving
   * stale or edited state to its genuine enclave is then caught, as long as one named org's is not.
   *
   * @example
   * const balance = await ledger.evaluate('getBalance', {}, { confirmOrgs: ['Org2MSP'] });
   * @throws as submit, without CONFLICT; EcarError INVALID_STATE (rule read-set-mismatch) when the
   *   orgs' answers rest on different state or one does not report what it read.
   */
  async evaluate(fn: string, args: LedgerArgs = {}, options: EvaluateOptions = {}): Promise<JsonValue> {
    const call = prepareCall(fn, encodeArgValue(args), this.#clock(), this.#lifetimeMs);
    const orgs = [...new Set(options.confirmOrgs ?? [])];
    return this.#withCurrentKeys(async (keys) => {
      const [first, ...others] = await Promise.all([
        this.#evaluateOn(call, keys),
        ...orgs.map((mspId) => this.#evaluateOn(call, keys, mspId)),
      ]);
      if (orgs.length > 0) requireSameReads(first, others, orgs);
      return first.result;
    });
  }

  /** One sealed evaluation on the gateway's pick of peer, or on a peer of `mspId`. */
  async #evaluateOn(call: PreparedCall, keys: TrustedKeys, mspId?: string): Promise<VerifiedAnswer> {
    const { proposal, context } = this.#propose(Confidential.evaluate, call, keys, mspId);
    const bytes = await proposal.evaluate().catch((error: unknown) => {
      throw answerError(error, context);
    });
    return openVerifiedAnswer(bytes, context);
  }

  /**
   * Seals to the trusted keys; when an enclave answers, under the receipt key of the epoch the
   * request was sealed to, that the epoch moved on, reads and verifies the key status again and
   * seals the same call (same nonce) to the new keys once. An unauthenticated "epoch moved" from a
   * peer is never acted on: it fails as it came.
   */
  async #withCurrentKeys<T>(attempt: (keys: TrustedKeys) => Promise<T>): Promise<T> {
    const keys = await this.trustedKeys();
    try {
      return await attempt(keys);
    } catch (error) {
      if (!isSignedEpochMoved(error)) throw error;
      this.#fresh = undefined;
      const current = await this.trustedKeys();
      if (current.epoch <= keys.epoch) throw error;
      return attempt(current);
    }
  }

  async #submitAttempt(call: PreparedCall, keys: TrustedKeys): Promise<CommitOutcome> {
    const { proposal, context } = this.#propose(Confidential.submit, call, keys);
    const transaction = await proposal.endorse().catch((error: unknown) => {
      throw answerError(error, context);
    });
    // the receipt is checked here, before anything is sent to the orderer
    const result = openAnswer(transaction.getResult(), context);
    const submitted = await transaction.submit().catch((error: unknown) => {
      throw toLedgerError(error);
    });
    const status = await submitted.getStatus().catch((error: unknown) => {
      throw toLedgerError(error);
    });
    return {
      result,
      committed: status.successful,
      readConflict: isReadConflict(status.code),
      transactionId: status.transactionId,
      blockNumber: status.blockNumber,
      validationCode: status.code,
    };
  }

  /**
   * The caller id the ledger knows this wallet by: the enclave runs every call as `w:<hex of the
   * wallet's public key>` (walletCallerId), so it is known without asking the ledger.
   */
  whoami(): Promise<string> {
    return Promise.resolve(walletCallerId(this.#wallet.publicKey));
  }

  #propose(
    entryPoint: string,
    call: PreparedCall,
    keys: TrustedKeys,
    mspId?: string,
  ): { proposal: ReturnType<ContractPort['newProposal']>; context: RequestContext } {
    const sealed = sealCall(this.#party(), call, keys);
    const proposal = this.#contract.newProposal(entryPoint, {
      arguments: [sealed.envelopeText],
      ...(mspId === undefined ? {} : { endorsingOrganizations: [mspId] }),
    });
    const txId = proposal.getTransactionId();
    this.#lastTransactionId = txId;
    return { proposal, context: sealed.contextFor(txId) };
  }

  #party(): SealingParty {
    return {
      channel: this.#channel,
      chaincode: this.#chaincode,
      wallet: this.#wallet,
      submitter: this.#submitter,
    };
  }
}
