// The confidential contract for applications on the legacy fabric-network 2.2 SDK: the same enclave-set
// check (ConfidentialLedgerClient.trustedKeys: shared verifier and cache), the same envelope and receipt
// check (protocol functions), and writes endorsed, checked and only then ordered.
import { commitWithRetry, retryPolicy, type CommitOutcome, type RetryPolicy } from '../fabric/commit-retry';
import { consumedByEarlierAttempt } from '../confidential/attempts';
import { walletCallerId } from '../../../chaincode/src/protocol/confidential/api';
import type { JsonValue } from '../../../chaincode/src/protocol/json';
import type { AttestationPolicy } from '../../../chaincode/src/protocol/attestation';
import { CONFIDENTIAL_CONTRACT, Confidential } from '../../../chaincode/src/protocol/confidential/api';
import { toB64 } from '../../../chaincode/src/protocol/confidential/encoding';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import { ConfidentialLedgerClient, type WalletKey } from '../confidential/confidential-client';
import type { TrustedKeys } from '../confidential/enclave-verifier';
import type { ContractPort, NetworkPort } from '../confidential/gateway-ports';
import {
  encodeArgValue,
  prepareCall,
  requestLifetimeMs,
  sealCall,
  type PreparedCall,
} from '../confidential/request-sealing';
import {
  submitterBinding,
  type SubmitterBinding,
} from '../../../chaincode/src/protocol/confidential/envelope';
import { openAnswer, type RequestContext } from '../confidential/sealed-answer';
import type { TrustCache } from '../confidential/trust-cache';
import type { LedgerArgs, LedgerClient, LedgerSubmitResult } from '../fabric/ledger-client';
import { newLegacyProposal, sendProposal, unanimousAnswer, type LegacyProposal } from './endorse-then-commit';
import { legacyAnswerError, peerDetails, typedErrorIn } from './legacy-errors';
import type { LegacyContract, LegacyGateway, LegacyIdentityContext, LegacyNetwork } from './legacy-ports';

/** Validation codes meaning the reads went stale before commit (retried, as by every client). */
const READ_CONFLICTS: ReadonlySet<string> = new Set(['MVCC_READ_CONFLICT', 'PHANTOM_READ_CONFLICT']);

export interface LegacyConfidentialContractOptions<E, C, I extends LegacyIdentityContext<I>> {
  /**
   * The channel through a connected fabric-network Gateway (`await gateway.getNetwork(channel)`). The
   * adapter takes the 'confidential' contract from it, and needs the Network itself (not only the
   * Contract) for the channel's endorsers and orderers, to endorse before it orders.
   */
  readonly network: LegacyNetwork<E, C, I>;
  readonly chaincode: string;
  /** The wallet key that signs requests; the enclave runs each call as this wallet. */
  readonly wallet: WalletKey;
  /** The client's own attestation policy (from its profile). */
  readonly policy: AttestationPolicy;
  /** Distinct orgs whose attested enclaves must vouch for the keys (at least policy.minOrgs); default 2. */
  readonly minOrgs?: number;
  /** Share one cache with other clients (also fabric-gateway ones) to verify once per epoch. */
  readonly trustCache?: TrustCache;
  /** notAfter = now + this; capped at MAX_REQUEST_LIFETIME_MS. Default 2 minutes. */
  readonly requestLifetimeMs?: number;
  /** Submits of one call at most, MVCC read conflicts included; default 4. */
  readonly maxAttempts?: number;
  /** Wait before the n-th retry is n times this (plus jitter); default 150 ms. */
  readonly retryDelayMs?: number;
  /** The clock for evidence checks and notAfter; default the system clock. */
  readonly clock?: () => Date;
}

/**
 * A confidential ledger session for one wallet over a fabric-network 2.2 gateway identity.
 *
 * Writes: the transaction id is fixed first, the sealed request is endorsed by every channel peer,
 * the endorsements must sign identical bytes, and the enclave's receipt (over request hash, response
 * hash and transaction id) is verified and the answer opened BEFORE the transaction is sent to the
 * orderer; a refused or unverifiable answer is never ordered. Reads: evaluated on one peer, receipt
 * checked before the answer is returned.
 *
 * @example
 * const network = await gateway.getNetwork('ecar');
 * const ledger = new LegacyConfidentialContract({ network, chaincode: 'ecar', wallet, policy });
 * await ledger.submit('mint', { account, amount: 5000n, paymentRef: 'psp-123' });
 * const balance = await ledger.evaluate('getBalance', {});
 */
export class LegacyConfidentialContract<E, C, I extends LegacyIdentityContext<I>> implements LedgerClient {
  readonly #network: LegacyNetwork<E, C, I>;
  readonly #contract: LegacyContract;
  readonly #trust: ConfidentialLedgerClient;
  readonly #channel: string;
  readonly #chaincode: string;
  readonly #wallet: WalletKey;
  readonly #lifetimeMs: number;
  readonly #retry: RetryPolicy;
  readonly #clock: () => Date;
  readonly #submitter: SubmitterBinding;
  #lastTransactionId: string | undefined;

  constructor(options: Readonly<LegacyConfidentialContractOptions<E, C, I>>) {
    this.#network = options.network;
    this.#contract = options.network.getContract(options.chaincode, CONFIDENTIAL_CONTRACT);
    this.#channel = options.network.getChannel().name;
    this.#chaincode = options.chaincode;
    this.#wallet = options.wallet;
    this.#clock = options.clock ?? ((): Date => new Date());
    // the trust decision is the fabric-gateway client's own, over a read-only view of this contract
    this.#submitter = legacySubmitter(options.network.getGateway().getIdentity());
    this.#trust = new ConfidentialLedgerClient({
      network: readOnlyView(this.#network, this.#contract, this.#channel),
      identity: { mspId: this.#submitter.mspId, credentials: new Uint8Array() },
      chaincode: options.chaincode,
      wallet: options.wallet,
      policy: options.policy,
      clock: this.#clock,
      // this adapter has no resend on a stale-epoch refusal, so it reads the key status every call
      keyStatusTtlMs: 0,
      ...(options.minOrgs === undefined ? {} : { minOrgs: options.minOrgs }),
      ...(options.retryDelayMs === undefined ? {} : { retryDelayMs: options.retryDelayMs }),
      ...(options.trustCache === undefined ? {} : { trustCache: options.trustCache }),
    });
    this.#lifetimeMs = requestLifetimeMs(options.requestLifetimeMs);
    this.#retry = retryPolicy(options);
  }

  /** The transaction id of the last request this adapter made (also of a failed one). */
  get lastTransactionId(): string | undefined {
    return this.#lastTransactionId;
  }

  /** The wallet's public key, base64, as requests carry it. */
  get walletPublicKey(): string {
    return toB64(this.#wallet.publicKey);
  }

  /**
   * The verified chaincode keys (the enclave set checked against this client's policy, cached per epoch).
   *
   * @throws EnclaveTrustError when the enclave set does not pass the policy; nothing is encrypted then.
   */
  async trustedKeys(): Promise<TrustedKeys> {
    return this.#trust.trustedKeys();
  }

  /**
   * Endorses a sealed write on every channel peer, checks the receipt and opens the answer, then orders
   * it and waits for the commit on the client org's peers.
   *
   * @throws EnclaveTrustError when the enclave set is not trusted (nothing was encrypted).
   * @throws EcarError with the code the enclave sealed (INSUFFICIENT_FUNDS, FORBIDDEN, ...);
   *   ENVELOPE_INVALID when a receipt does not verify (nothing was ordered); CONFLICT after repeated
   *   MVCC read conflicts; INTERNAL when it committed with another invalid validation code.
   * @throws LegacyEndorsementError when the peers did not all endorse identically and no enclave
   *   explained why (unreachable peer, differing results); LegacyOrderingError when the orderer refused.
   */
  async submit(fn: string, args: LedgerArgs = {}): Promise<LedgerSubmitResult> {
    // one nonce for every attempt: at most one of them can ever commit
    const call = prepareCall(fn, encodeArgValue(args), this.#clock(), this.#lifetimeMs);
    const attempts = new Map<string, CommitOutcome>();
    return commitWithRetry(fn, this.#retry, async () => {
      try {
        const outcome = await this.#submitAttempt(call);
        attempts.set(outcome.transactionId, outcome);
        return outcome;
      } catch (error) {
        const earlier = consumedByEarlierAttempt(error, attempts);
        if (earlier !== undefined) return { ...earlier, committed: true, readConflict: false };
        throw error;
      }
    });
  }

  async #submitAttempt(call: PreparedCall): Promise<CommitOutcome> {
    // a fresh transaction id each attempt, keys re-checked
    const keys = await this.trustedKeys();
    const proposal = newLegacyProposal(this.#network);
    const { envelopeText, context } = this.#seal(call, keys, proposal.transactionId);
    const endorsed = await sendProposal(this.#network, this.#chaincode, proposal, {
      fcn: qualified(this.#contract, Confidential.submit),
      args: [envelopeText],
    });
    const refusal = typedErrorIn(
      peerDetails(endorsed.answers).map((d) => d.message),
      context,
    );
    if (refusal !== undefined) throw refusal;
    const answer = unanimousAnswer(endorsed.answers, proposal.transactionId);
    // the receipt is checked here, before anything is sent to the orderer
    const result = openAnswer(answer.response.payload, context);
    const status = await endorsed.commit();
    return {
      result,
      committed: status.successful,
      readConflict: READ_CONFLICTS.has(status.code),
      transactionId: status.transactionId,
      blockNumber: status.blockNumber,
      validationCode: status.code,
    };
  }

  /**
   * Runs a sealed read on one peer's enclave (fabric-network's query handler picks the peer); the
   * receipt is checked before the answer is returned. Nothing is ordered.
   *
   * @throws as submit, without CONFLICT; an unreachable network as fabric-network's own error.
   */
  async evaluate(fn: string, args: LedgerArgs = {}): Promise<JsonValue> {
    const keys = await this.trustedKeys();
    const transaction = this.#contract.createTransaction(Confidential.evaluate);
    const { envelopeText, context } = this.#seal(
      prepareCall(fn, encodeArgValue(args), this.#clock(), this.#lifetimeMs),
      keys,
      transaction.getTransactionId(),
    );
    const bytes = await transaction.evaluate(envelopeText).catch((error: unknown) => {
      throw legacyAnswerError(error, context);
    });
    return openAnswer(bytes, context);
  }

  /** fabric-network-style name of {@link submit}: the checked result only. */
  async submitTransaction(fn: string, args: LedgerArgs = {}): Promise<JsonValue> {
    return (await this.submit(fn, args)).result;
  }

  /** fabric-network-style name of {@link evaluate}. */
  async evaluateTransaction(fn: string, args: LedgerArgs = {}): Promise<JsonValue> {
    return this.evaluate(fn, args);
  }

  /** The caller id the ledger knows this wallet by (`w:<hex>`), known without asking the ledger. */
  whoami(): Promise<string> {
    return Promise.resolve(walletCallerId(this.#wallet.publicKey));
  }

  #seal(
    call: PreparedCall,
    keys: TrustedKeys,
    txId: string,
  ): { envelopeText: string; context: RequestContext } {
    const sealed = sealCall(
      {
        channel: this.#channel,
        chaincode: this.#chaincode,
        wallet: this.#wallet,
        submitter: this.#submitter,
      },
      call,
      keys,
    );
    this.#lastTransactionId = txId;
    return { envelopeText: sealed.envelopeText, context: sealed.contextFor(txId) };
  }
}

/** The binding of the gateway's X.509 identity: proposals carry its PEM certificate as the creator. */
function legacySubmitter(identity: ReturnType<LegacyGateway<unknown>['getIdentity']>): SubmitterBinding {
  const certificate = identity.credentials?.certificate;
  if (typeof certificate !== 'string' || certificate === '') {
    throw new EcarError('INVALID_ARGUMENT', 'the fabric-network gateway identity must be an X.509 identity');
  }
  return submitterBinding(identity.mspId, new TextEncoder().encode(certificate));
}

/** fabric-network's transaction name: `<contract>:<transaction>` (Contract._getQualifiedName). */
function qualified(contract: LegacyContract, name: string): string {
  return contract.namespace ? `${contract.namespace}:${name}` : name;
}

/**
 * The legacy contract as the fabric-gateway client's ContractPort, for the public reads the trust
 * decision needs (listEnclaves, attestedKeyStatus); it refuses everything else. A read aimed at one org
 * (`endorsingOrganizations: [mspId]`) is sent straight to that org's peers (fabric-network's own
 * evaluate ignores the endorsing orgs) and answered by the first of them that succeeds.
 */
function readOnlyView<E, C, I extends LegacyIdentityContext<I>>(
  network: LegacyNetwork<E, C, I>,
  contract: LegacyContract,
  channel: string,
): NetworkPort {
  const refusal = (): EcarError =>
    new EcarError('INTERNAL', 'the legacy adapter only reads the public records through this view');
  const port: ContractPort = {
    evaluateTransaction: async (name, ...args) =>
      contract.evaluateTransaction(
        name,
        ...args.map((arg) => (typeof arg === 'string' ? arg : Buffer.from(arg).toString('utf8'))),
      ),
    submitTransaction: () => Promise.reject(refusal()),
    newProposal: (name, options) => {
      const [mspId, ...others] = options?.endorsingOrganizations ?? [];
      const args = options?.arguments ?? [];
      // only the signed key status takes an argument (the client's challenge)
      const allowed = args.length === 0 || (name === Confidential.attestedKeyStatus && args.length === 1);
      if (mspId === undefined || others.length > 0 || !allowed) throw refusal();
      const text = args.map((arg) => (typeof arg === 'string' ? arg : Buffer.from(arg).toString('utf8')));
      const proposal = newLegacyProposal(network);
      return {
        getTransactionId: () => proposal.transactionId,
        evaluate: () => readOnOrg(network, contract, proposal, name, mspId, text),
        endorse: () => Promise.reject(refusal()),
      };
    },
  };
  return { getName: () => channel, getContract: () => port };
}

/** A public read endorsed (never ordered) by the peers of one org; the first successful answer. */
async function readOnOrg<E, C, I extends LegacyIdentityContext<I>>(
  network: LegacyNetwork<E, C, I>,
  contract: LegacyContract,
  proposal: LegacyProposal<I>,
  name: string,
  mspId: string,
  args: string[],
): Promise<Uint8Array> {
  const { answers } = await sendProposal(
    network,
    contract.chaincodeId,
    proposal,
    { fcn: qualified(contract, name), args },
    mspId,
  );
  const ok = answers.responses.find((answer) => answer.response.status === 200);
  if (ok !== undefined) return ok.response.payload;
  const why = [
    ...answers.responses.map((answer) => answer.response.message),
    ...answers.errors.map((error) => error.message),
  ];
  throw new EcarError(
    'KEYS_UNAVAILABLE',
    `no peer of ${mspId} answered ${name}${why.length > 0 ? `: ${why.join('; ')}` : ''}`,
  );
}
