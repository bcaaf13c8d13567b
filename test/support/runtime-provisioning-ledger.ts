// A confidential ledger for provisioning tests driven by the real enclave runtimes, one per org, over
// the in-memory byte ledger: an evaluation lands on the enclave of the org it targets, a submit runs
// on every endorsing org's enclave (an AND endorsement policy) and commits only when they all agree.
// Every gateway is an org's Admin, as the network scripts connect; a transaction is on every peer as
// soon as it committed (qscc answers for it).
import { randomBytes } from 'node:crypto';
import type { ProposalOptions, Status } from '@hyperledger/fabric-gateway';
import type { EnclaveRuntime } from '../../chaincode/src/enclave/runtime';
import type { EnclaveTx } from '../../chaincode/src/enclave/ledger-state';
import type { SimulatedPlatform } from '../../chaincode/src/enclave/simulated-platform';
import { Confidential } from '../../chaincode/src/protocol/confidential/api';
import { EcarError } from '../../chaincode/src/protocol/errors';
import type {
  ContractPort,
  NetworkPort,
  ProposalPort,
  TransactionPort,
} from '../../client/src/confidential/gateway-ports';
import type { ProvisioningOrg } from '../../client/src/confidential/provisioning';
import { CHANNEL, EnclaveTestNetwork, testRuntime } from './enclave-harness';

const encoder = new TextEncoder();

type ContractCall = (runtime: EnclaveRuntime, tx: EnclaveTx, args: readonly string[]) => Promise<unknown>;

/** The contract functions provisioning calls, as the Fabric contract maps them onto the runtime. */
const FUNCTIONS: Readonly<Record<string, ContractCall>> = {
  [Confidential.evidence]: (r) => Promise.resolve(r.enclaveEvidence()),
  [Confidential.register]: (r, tx, [a]) => r.registerEnclave(tx, a),
  [Confidential.enclaves]: (r, tx) => r.listEnclaves(tx),
  [Confidential.approveGenesis]: (r, tx, [a]) => r.approveGenesis(tx, a),
  [Confidential.genesis]: (r, tx) => r.getGenesis(tx),
  [Confidential.proposePolicy]: (r, tx, [a]) => r.proposePolicy(tx, a),
  [Confidential.approvePolicy]: (r, tx, [a]) => r.approvePolicy(tx, a),
  [Confidential.policy]: (r, tx) => r.getPolicy(tx),
  [Confidential.proposeRotation]: (r, tx) => r.proposeRotation(tx),
  [Confidential.approveRotation]: (r, tx, [a]) => r.approveRotation(tx, a),
  [Confidential.createKeys]: (r, tx) => r.createKeys(tx),
  [Confidential.publishKeys]: (r, tx, [a]) => r.publishKeys(tx, a),
  [Confidential.shareKeys]: (r, tx, [a]) => r.shareKeys(tx, a),
  [Confidential.vouch]: (r, tx, [a]) => r.vouchKeys(tx, a),
  [Confidential.recordVoucher]: (r, tx, [a]) => r.recordVoucher(tx, a),
  [Confidential.keyStatus]: (r, tx) => r.keyStatus(tx),
  [Confidential.attestedKeyStatus]: (r, tx, [a]) => r.attestedKeyStatus(tx, a),
};

export interface RuntimeLedgerOptions {
  /** The orgs whose enclaves endorse every submit; default every org. */
  readonly endorsers?: readonly string[];
}

export class RuntimeProvisioningLedger {
  /** Ledger calls in order: `Org1MSP submit registerEnclave`. */
  readonly calls: string[] = [];
  readonly network = new EnclaveTestNetwork();
  /** Evaluations through an org's gateway land on another org's enclave (a misrouted gateway). */
  readonly misroute = new Map<string, string>();
  readonly #runtimes = new Map<string, EnclaveRuntime>();
  readonly #endorsers: readonly string[];
  readonly #committed = new Set<string>();

  constructor(platform: SimulatedPlatform, mspIds: readonly string[], options: RuntimeLedgerOptions = {}) {
    for (const mspId of mspIds) this.#runtimes.set(mspId, testRuntime({ platform, mspId }));
    this.#endorsers = options.endorsers ?? mspIds;
  }

  runtime(mspId: string): EnclaveRuntime {
    const found = this.#runtimes.get(mspId);
    if (found === undefined) throw new Error(`no enclave of ${mspId}`);
    return found;
  }

  enclaveId(mspId: string): string {
    return this.runtime(mspId).identity.id;
  }

  /** The org as the operator drives it: an Admin gateway to that org's peer. */
  org(mspId: string): ProvisioningOrg {
    const network: NetworkPort = {
      getName: () => CHANNEL,
      getContract: (chaincode: string): ContractPort =>
        chaincode === 'qscc' ? this.#qscc(mspId) : this.#contract(mspId),
    };
    return { mspId, network };
  }

  /** qscc as far as provisioning uses it: every committed transaction is on every peer at once. */
  #qscc(mspId: string): ContractPort {
    const refuse = (): Promise<never> => Promise.reject(new Error('qscc: only GetTransactionByID'));
    return {
      evaluateTransaction: refuse,
      submitTransaction: refuse,
      newProposal: (name: string, options?: ProposalOptions): ProposalPort => ({
        getTransactionId: () => randomBytes(32).toString('hex'),
        evaluate: () => {
          this.calls.push(`${mspId} evaluate qscc ${name}`);
          const txId = String(options?.arguments?.[1] ?? '');
          return this.#committed.has(txId)
            ? Promise.resolve(new Uint8Array())
            : Promise.reject(new Error(`no transaction ${txId}`));
        },
        endorse: refuse,
      }),
    };
  }

  #contract(mspId: string): ContractPort {
    const call = async (
      kind: 'submit' | 'evaluate',
      name: string,
      args: readonly (string | Uint8Array)[],
      target: string,
      txId?: string,
    ): Promise<Uint8Array> => {
      this.calls.push(`${mspId} ${kind} ${name}`);
      const run = FUNCTIONS[name];
      if (run === undefined) throw new EcarError('UNKNOWN_FUNCTION', `no function '${name}'`);
      const text = args.map((a) => (typeof a === 'string' ? a : Buffer.from(a).toString('utf8')));
      const submitter = { mspId, isAdmin: true, ...(txId === undefined ? {} : { txId }) };
      const result =
        kind === 'evaluate'
          ? await this.network.evaluate((tx) => run(this.runtime(target), tx, text), submitter)
          : await this.network.endorse(
              this.#endorsers.map((org) => this.runtime(org)),
              (runtime, tx) => run(runtime, tx, text),
              submitter,
            );
      if (txId !== undefined) this.#committed.add(txId);
      return encoder.encode(JSON.stringify(result));
    };
    const landing = (): string => this.misroute.get(mspId) ?? mspId;
    return {
      evaluateTransaction: (name, ...args) => call('evaluate', name, args, landing()),
      submitTransaction: (name, ...args) => call('submit', name, args, mspId),
      newProposal: (name: string, options?: ProposalOptions): ProposalPort => {
        const wanted = options?.endorsingOrganizations?.[0] ?? mspId;
        const target = this.misroute.get(wanted) ?? wanted;
        const txId = this.network.nextTxId();
        return {
          getTransactionId: () => txId,
          evaluate: () => call('evaluate', name, options?.arguments ?? [], target),
          // endorsed by every endorsing org's enclave and committed at once
          endorse: async (): Promise<TransactionPort> => {
            const result = await call('submit', name, options?.arguments ?? [], mspId, txId);
            const status = { blockNumber: 1n, code: 0, successful: true, transactionId: txId } as Status;
            return {
              getResult: () => result,
              getTransactionId: () => txId,
              submit: () => Promise.resolve({ getStatus: () => Promise.resolve(status) }),
            };
          },
        };
      },
    };
  }
}
