// The slice of fabric-gateway the confidential client and provisioning use, as narrow interfaces: a
// real Network/Contract satisfies them structurally, and unit tests can supply small fakes.
import type { ProposalOptions, Status } from '@hyperledger/fabric-gateway';

/** What a committed (or invalidated) transaction reports; fabric-gateway's SubmittedTransaction. */
export interface CommitPort {
  getStatus(): Promise<Status>;
}

/** An endorsed transaction: its result is readable before it is sent for ordering. */
export interface TransactionPort {
  getResult(): Uint8Array;
  getTransactionId(): string;
  submit(): Promise<CommitPort>;
}

/** A proposal whose transaction id is known before anything is sent. */
export interface ProposalPort {
  getTransactionId(): string;
  evaluate(): Promise<Uint8Array>;
  endorse(): Promise<TransactionPort>;
}

/** The 'confidential' contract of the chaincode: network.getContract(chaincode, 'confidential'). */
export interface ContractPort {
  newProposal(transactionName: string, options?: ProposalOptions): ProposalPort;
  evaluateTransaction(name: string, ...args: (string | Uint8Array)[]): Promise<Uint8Array>;
  submitTransaction(name: string, ...args: (string | Uint8Array)[]): Promise<Uint8Array>;
}

/** A channel seen through one gateway (one identity): fabric-gateway's Network. */
export interface NetworkPort {
  getName(): string;
  getContract(chaincodeName: string, contractName?: string): ContractPort;
}
