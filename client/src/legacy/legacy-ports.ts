// The slice of fabric-network 2.2 (and the fabric-common objects it exposes) the legacy adapter uses,
// as narrow typed interfaces: a real Network satisfies them structurally, unit tests supply fakes.
// The endorser, committer and identity-context types are parameters so fabric-common's own classes flow
// through unchanged (E = Endorser, C = Committer, I = IdentityContext for a real Network).

/** One peer's answer to a proposal (fabric-common EndorsementResponse). */
export interface LegacyEndorsementResponse {
  readonly connection?: { readonly name?: string };
  readonly response: { readonly status: number; readonly message: string; readonly payload: Uint8Array };
  /** The ProposalResponsePayload bytes the endorsement signs: equal bytes = identical endorsements. */
  readonly payload: Uint8Array;
  readonly endorsement?: unknown;
}

/** What Endorsement.send resolves to: answers of peers that replied, errors of those that did not. */
export interface LegacyProposalResponse {
  readonly errors: readonly Error[];
  readonly responses: readonly LegacyEndorsementResponse[];
}

/** fabric-common IdentityContext: the signer and, after calculateTransactionId(), the transaction id. */
export interface LegacyIdentityContext<I> {
  readonly transactionId: string;
  calculateTransactionId(): I;
}

/** The orderer's answer to a broadcast. */
export interface LegacyBroadcastResponse {
  readonly status: string;
  readonly info?: string;
}

/** fabric-common Commit: the endorsed transaction, signed and broadcast to the orderer. */
export interface LegacyCommit<C, I> {
  build(identity: I): unknown;
  sign(identity: I): unknown;
  send(request: { targets?: C[]; requestTimeout?: number }): Promise<LegacyBroadcastResponse>;
}

/** fabric-common Endorsement: a proposal built and signed here, endorsed by the chosen peers. */
export interface LegacyEndorsement<E, C, I> {
  /** generateTransactionId false: keep the transaction id the identity context already holds. */
  build(identity: I, request: { fcn?: string; args?: string[]; generateTransactionId?: boolean }): unknown;
  sign(identity: I): unknown;
  send(request: { targets?: E[]; requestTimeout?: number }): Promise<LegacyProposalResponse>;
  getTransactionId(): string;
  newCommit(): LegacyCommit<C, I>;
}

/** fabric-common Channel as populated by discovery. */
export interface LegacyChannel<E, C, I> {
  readonly name: string;
  newEndorsement(chaincodeName: string): LegacyEndorsement<E, C, I>;
  getEndorsers(mspid?: string): E[];
  getCommitters(mspid?: string): C[];
}

/** A commit event for one transaction from one peer (fabric-network CommitEvent). */
export interface LegacyCommitEvent {
  readonly transactionId: string;
  readonly status: string;
  readonly isValid: boolean;
  getBlockEvent(): { readonly blockNumber: { toString(): string } };
}

export type LegacyCommitListener = (error?: Error, event?: LegacyCommitEvent) => void;

/** fabric-network Transaction: its id is fixed when it is created, before anything is sent. */
export interface LegacyTransaction {
  getTransactionId(): string;
  evaluate(...args: string[]): Promise<Uint8Array>;
}

/** fabric-network Contract for the chaincode's 'confidential' contract. */
export interface LegacyContract {
  readonly chaincodeId: string;
  /** The contract name ('confidential'); fabric-network qualifies transaction names with it. */
  readonly namespace: string;
  createTransaction(name: string): LegacyTransaction;
  evaluateTransaction(name: string, ...args: string[]): Promise<Uint8Array>;
}

/** fabric-network Gateway, for the identity context, the MSP id and the timeouts it was configured with. */
export interface LegacyGateway<I> {
  readonly identityContext?: I;
  /** fabric-network's X509Identity: its certificate is what proposals carry as the creator. */
  getIdentity(): { readonly mspId: string; readonly credentials?: { readonly certificate?: string } };
  getOptions(): {
    readonly eventHandlerOptions: { readonly commitTimeout?: number; readonly endorseTimeout?: number };
  };
}

/** fabric-network Network (one channel through one gateway identity). */
export interface LegacyNetwork<E, C, I extends LegacyIdentityContext<I>> {
  getGateway(): LegacyGateway<I>;
  getChannel(): LegacyChannel<E, C, I>;
  getContract(chaincodeId: string, name?: string): LegacyContract;
  addCommitListener(listener: LegacyCommitListener, peers: E[], transactionId: string): Promise<unknown>;
  removeCommitListener(listener: LegacyCommitListener): void;
}
