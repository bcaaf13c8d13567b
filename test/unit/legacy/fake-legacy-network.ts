// A fake fabric-network 2.2 Network for the legacy adapter's unit tests: its peers run the real envelope
// functions as an enclave would (open, check binding, seal the answer with a receipt; a refusal becomes a
// status-500 response carrying the sealed error), its orderer records what was sent and its committing
// peers report a validation code through the commit listeners.
import { randomBytes } from 'node:crypto';
import type { JsonValue } from '../../../chaincode/src/protocol/json';
import {
  Confidential,
  CONFIDENTIAL_CONTRACT,
  type KeyStatus,
} from '../../../chaincode/src/protocol/confidential/api';
import {
  checkRequestBinding,
  openRequest,
  parseEnvelope,
  sealResponse,
  SEALED_ERROR_PREFIX,
  type RequestBody,
  type ResponsePayload,
} from '../../../chaincode/src/protocol/confidential/envelope';
import { sha256 } from '../../../chaincode/src/protocol/confidential/primitives';
import { signKeyStatus } from '../../../chaincode/src/protocol/confidential/key-status-statement';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import type {
  LegacyBroadcastResponse,
  LegacyChannel,
  LegacyCommit,
  LegacyCommitListener,
  LegacyContract,
  LegacyEndorsement,
  LegacyEndorsementResponse,
  LegacyGateway,
  LegacyIdentityContext,
  LegacyNetwork,
  LegacyProposalResponse,
  LegacyTransaction,
} from '../../../client/src/legacy/legacy-ports';
import { CHANNEL, type ConfidentialFixture } from '../../support/confidential-fixture';

export interface FakePeer {
  readonly name: string;
  readonly mspid: string;
  /** The domain function this peer's enclave runs; throws an EcarError to refuse. */
  readonly handler?: (body: RequestBody) => JsonValue;
  /** Signs receipts with this seed instead of the epoch's receipt key (an unattested or lying peer). */
  readonly receiptSeed?: Uint8Array;
  /** What this peer answers to keyStatus (stale or edited state); default the fixture's. */
  readonly keyStatus?: KeyStatus;
}

export interface FakeOrderer {
  readonly name: string;
}

export class FakeIdentity implements LegacyIdentityContext<FakeIdentity> {
  readonly transactionId: string;

  constructor(transactionId = '') {
    this.transactionId = transactionId;
  }

  calculateTransactionId(): FakeIdentity {
    return new FakeIdentity(randomBytes(32).toString('hex'));
  }
}

export interface FakeLegacyOptions {
  /** The domain function of every peer without its own. */
  readonly handler: (body: RequestBody) => JsonValue;
  /** Default: one peer of Org1MSP and one of Org2MSP. */
  readonly peers?: readonly FakePeer[];
  /** Validation codes of successive commits (default VALID each time). */
  readonly commitCodes?: readonly string[];
  /** The transaction time the enclaves check notAfter against. */
  readonly nowMs: number;
}

const encoder = new TextEncoder();
const json = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value));

type Step = { readonly kind: 'endorse' | 'evaluate' | 'order'; readonly txId: string };

export class FakeLegacyNetwork implements LegacyNetwork<FakePeer, FakeOrderer, FakeIdentity> {
  /** Every proposal the enclaves opened, in order. */
  readonly requests: { readonly fcn: string; readonly txId: string; readonly body: RequestBody }[] = [];
  /** What happened, in order: endorsements, evaluations, broadcasts to the orderer. */
  readonly steps: Step[] = [];
  /** Public reads of the 'confidential' contract (keyStatus, listEnclaves). */
  readonly reads: string[] = [];
  readonly peers: readonly FakePeer[];
  readonly #fixture: ConfidentialFixture;
  readonly #options: FakeLegacyOptions;
  readonly #commitCodes: string[];
  readonly #listeners = new Map<LegacyCommitListener, { peers: FakePeer[]; txId: string }>();
  #blocks = 0;

  constructor(fixture: ConfidentialFixture, options: FakeLegacyOptions) {
    this.#fixture = fixture;
    this.#options = options;
    this.#commitCodes = [...(options.commitCodes ?? [])];
    this.peers = options.peers ?? [
      { name: 'peer0.org1.ecar.test:17051', mspid: 'Org1MSP' },
      { name: 'peer0.org2.ecar.test:17061', mspid: 'Org2MSP' },
    ];
  }

  get ordered(): string[] {
    return this.steps.filter((s) => s.kind === 'order').map((s) => s.txId);
  }

  getGateway(): LegacyGateway<FakeIdentity> {
    return {
      identityContext: new FakeIdentity(),
      getIdentity: () => ({ mspId: 'Org1MSP', credentials: { certificate: 'legacy client certificate' } }),
      getOptions: () => ({ eventHandlerOptions: { commitTimeout: 5, endorseTimeout: 5 } }),
    };
  }

  getChannel(): LegacyChannel<FakePeer, FakeOrderer, FakeIdentity> {
    return {
      name: CHANNEL,
      newEndorsement: (chaincode) => this.#endorsement(chaincode),
      getEndorsers: (mspid) => this.peers.filter((p) => mspid === undefined || p.mspid === mspid),
      getCommitters: () => [{ name: 'orderer.ecar.test:17050' }],
    };
  }

  getContract(chaincodeId: string, name?: string): LegacyContract {
    if (name !== CONFIDENTIAL_CONTRACT)
      throw new Error(`fake: only the confidential contract, not ${String(name)}`);
    return {
      chaincodeId,
      namespace: name,
      createTransaction: (transactionName) => this.#transaction(chaincodeId, `${name}:${transactionName}`),
      evaluateTransaction: (transactionName) => {
        this.reads.push(transactionName);
        if (transactionName === Confidential.keyStatus) return Promise.resolve(json(this.#fixture.keyStatus));
        if (transactionName === Confidential.enclaves) return Promise.resolve(json(this.#fixture.registry));
        return Promise.reject(
          new Error(`peer error response: UNKNOWN_FUNCTION: fake: no ${transactionName}`),
        );
      },
    };
  }

  addCommitListener(
    listener: LegacyCommitListener,
    peers: FakePeer[],
    transactionId: string,
  ): Promise<unknown> {
    this.#listeners.set(listener, { peers, txId: transactionId });
    return Promise.resolve(listener);
  }

  removeCommitListener(listener: LegacyCommitListener): void {
    this.#listeners.delete(listener);
  }

  #transaction(chaincode: string, fcn: string): LegacyTransaction {
    const txId = randomBytes(32).toString('hex');
    return {
      getTransactionId: () => txId,
      evaluate: async (...args: string[]): Promise<Uint8Array> => {
        await Promise.resolve();
        this.steps.push({ kind: 'evaluate', txId });
        const [peer] = this.peers;
        if (peer === undefined) throw new Error('fake: no peers');
        const answer = this.#enclave(peer, chaincode, fcn, txId, args);
        if (answer.response.status >= 400) {
          // what fabric-network's SingleQueryHandler throws for a chaincode error response
          throw Object.assign(new Error(`peer error response: ${answer.response.message}`), {
            status: answer.response.status,
            message: answer.response.message,
            payload: Buffer.from(answer.response.payload),
            isEndorsed: false,
          });
        }
        return answer.response.payload;
      },
    };
  }

  #endorsement(chaincode: string): LegacyEndorsement<FakePeer, FakeOrderer, FakeIdentity> {
    let built: { identity: FakeIdentity; fcn: string; args: string[] } | undefined;
    return {
      build: (identity, request) => {
        built = { identity, fcn: request.fcn ?? '', args: request.args ?? [] };
        return Buffer.alloc(0);
      },
      sign: () => undefined,
      getTransactionId: () => built?.identity.transactionId ?? '',
      send: async (request): Promise<LegacyProposalResponse> => {
        await Promise.resolve();
        if (built === undefined) throw new Error('fake: send before build');
        const { identity, fcn, args } = built;
        const targets = request.targets ?? [];
        const records = targets.map((peer) => this.#publicRecord(peer, chaincode, fcn, args));
        if (records.every((record) => record !== undefined)) return { errors: [], responses: records };
        this.steps.push({ kind: 'endorse', txId: identity.transactionId });
        const responses = targets.map((peer) =>
          this.#enclave(peer, chaincode, fcn, identity.transactionId, args),
        );
        return { errors: [], responses };
      },
      newCommit: (): LegacyCommit<FakeOrderer, FakeIdentity> => {
        return {
          build: () => Buffer.alloc(0),
          sign: () => undefined,
          send: async (): Promise<LegacyBroadcastResponse> => {
            await Promise.resolve();
            if (built === undefined) throw new Error('fake: commit before endorsement');
            const txId = built.identity.transactionId;
            this.steps.push({ kind: 'order', txId });
            setImmediate(() => {
              this.#deliver(txId);
            });
            return { status: 'SUCCESS' };
          },
        };
      },
    };
  }

  #deliver(txId: string): void {
    this.#blocks += 1;
    const code = this.#commitCodes.shift() ?? 'VALID';
    const blockNumber = this.#blocks;
    for (const [listener, { peers, txId: wanted }] of [...this.#listeners]) {
      if (wanted !== txId) continue;
      for (let i = 0; i < peers.length; i += 1) {
        listener(undefined, {
          transactionId: txId,
          status: code,
          isValid: code === 'VALID',
          getBlockEvent: () => ({ blockNumber: { toString: () => String(blockNumber) } }),
        });
      }
    }
  }

  /** A peer's answer to a public read of the confidential contract (keyStatus, listEnclaves), if it is one. */
  #publicRecord(
    peer: FakePeer,
    chaincode: string,
    fcn: string,
    args: readonly string[],
  ): LegacyEndorsementResponse | undefined {
    const name = fcn.slice(`${CONFIDENTIAL_CONTRACT}:`.length);
    const keyStatus = peer.keyStatus ?? this.#fixture.keyStatus;
    const value =
      name === Confidential.keyStatus
        ? keyStatus
        : name === Confidential.attestedKeyStatus
          ? this.#signedKeyStatus(peer, chaincode, keyStatus, args[0] ?? '')
          : name === Confidential.enclaves
            ? this.#fixture.registry
            : undefined;
    if (value === undefined) return undefined;
    this.reads.push(`${name}@${peer.mspid}`);
    const payload = json(value);
    return { connection: { name: peer.name }, response: { status: 200, message: '', payload }, payload };
  }

  /** What the enclave of the peer's org signs: the key status its peer serves, bound to the challenge. */
  #signedKeyStatus(peer: FakePeer, chaincode: string, keyStatus: KeyStatus, challenge: string): unknown {
    const enclave = this.#fixture.enclaves.find((e) => e.mspId === peer.mspid);
    if (enclave === undefined) throw new Error(`fake: ${peer.mspid} runs no enclave`);
    return signKeyStatus(
      { channel: CHANNEL, chaincode, mspId: peer.mspid, enclave: enclave.id, challenge, keyStatus },
      enclave.signing.seed,
    );
  }

  /** One peer's enclave: the real protocol functions on the envelope, answer sealed with a receipt. */
  #enclave(
    peer: FakePeer,
    chaincode: string,
    fcn: string,
    txId: string,
    args: readonly string[],
  ): LegacyEndorsementResponse {
    const failed = (message: string): LegacyEndorsementResponse => ({
      connection: { name: peer.name },
      response: { status: 500, message, payload: new Uint8Array(0) },
      payload: new Uint8Array(0),
    });
    const [envelopeText] = args;
    if (args.length !== 1 || envelopeText === undefined)
      return failed('INVALID_ARGUMENT: one envelope argument');
    const envelope = parseEnvelope(envelopeText);
    const secrets = this.#fixture.bundle.epochs.get(envelope.epoch);
    if (secrets === undefined) return failed(`ENVELOPE_INVALID: no keys for epoch ${envelope.epoch}`);
    const opened = openRequest(envelope, secrets.boxSecretKey);
    checkRequestBinding(opened.body, {
      channel: CHANNEL,
      chaincode,
      epoch: this.#fixture.keyStatus.currentEpoch,
      // the fake has no identities: the real binding check is the enclave's (entry-point tests)
      submitter: opened.body.submitter,
      nowMs: this.#options.nowMs,
    });
    this.requests.push({ fcn, txId, body: opened.body });
    let payload: ResponsePayload;
    try {
      payload = { ok: true, result: (peer.handler ?? this.#options.handler)(opened.body) };
    } catch (error) {
      if (!(error instanceof EcarError)) throw error;
      payload = { ok: false, code: error.code, message: error.reason };
    }
    const sealed = sealResponse(payload, {
      sharedKey: opened.sharedKey,
      envelopeText,
      txId,
      epoch: envelope.epoch,
      receiptSeed: peer.receiptSeed ?? secrets.receiptSeed,
    });
    if (!payload.ok) return failed(`${SEALED_ERROR_PREFIX}${sealed}`);
    const result = encoder.encode(sealed);
    return {
      connection: { name: peer.name },
      response: { status: 200, message: '', payload: result },
      // stands for the ProposalResponsePayload: equal for equal results
      payload: sha256(result),
      endorsement: { endorser: peer.mspid },
    };
  }
}
