// A fake gateway Network for the confidential client's unit tests: its 'confidential' contract answers
// keyStatus, attestedKeyStatus (signed by the fixture's enclave of the org asked) and listEnclaves
// from a fixture and runs the real envelope functions as an enclave would (open, check binding, seal
// the answer with a receipt; refusals sealed inside an EndorseError).
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { EndorseError, StatusCode, type Status } from '@hyperledger/fabric-gateway';
import { randomBytes } from 'node:crypto';
import type { JsonValue } from '../../chaincode/src/protocol/json';
import {
  Confidential,
  type KeyStatus,
  type RegistryRecord,
} from '../../chaincode/src/protocol/confidential/api';
import {
  checkRequestBinding,
  openRequest,
  parseEnvelope,
  sealResponse,
  SEALED_ERROR_PREFIX,
  type RequestBody,
  type ResponsePayload,
} from '../../chaincode/src/protocol/confidential/envelope';
import {
  parseKeyStatusChallenge,
  signKeyStatus,
  type SignedKeyStatus,
} from '../../chaincode/src/protocol/confidential/key-status-statement';
import { EcarError } from '../../chaincode/src/protocol/errors';
import type {
  CommitPort,
  ContractPort,
  NetworkPort,
  ProposalPort,
  TransactionPort,
} from '../../client/src/confidential/gateway-ports';
import { CHANNEL, type ConfidentialFixture } from './confidential-fixture';

const encoder = new TextEncoder();
/** The org whose peer is the gateway: untargeted reads answer from its state. */
const GATEWAY_ORG = 'Org1MSP';

/** What the fake enclave saw of one proposal (the opened request body). */
export interface SeenRequest {
  readonly entryPoint: string;
  readonly txId: string;
  readonly body: RequestBody;
  readonly envelopeText: string;
  /** The org the proposal was aimed at (`endorsingOrganizations`), if any. */
  readonly org?: string;
}

export interface FakeEnclaveOptions {
  /** The read-set digest the enclave of a proposal aimed at this org (undefined: the gateway's pick) reports; default none. */
  readonly readSet?: (org: string | undefined) => string | undefined;
  /** The domain function: returns the result, or throws an EcarError the enclave seals. */
  readonly handler: (body: RequestBody) => JsonValue;
  /** Signs receipts with this seed instead of the epoch's receipt key (a lying peer). */
  readonly receiptSeed?: Uint8Array;
  /** Validation codes of successive commits (default VALID each time). */
  readonly commitCodes?: readonly Status['code'][];
  /** The transaction time the enclave checks notAfter against; default the wall clock. */
  readonly nowMs?: () => number;
  /**
   * What a peer of one org answers to keyStatus aimed at it (`endorsingOrganizations: [mspId]`); an
   * Error is that peer failing to answer. Orgs not named answer the fixture's key status.
   */
  readonly orgKeyStatus?: Readonly<Record<string, KeyStatus | Error>>;
  /** The same for listEnclaves. */
  readonly orgRegistry?: Readonly<Record<string, readonly RegistryRecord[] | Error>>;
  /** What the gateway answers to listEnclaves when no org is named; default the fixture's registry. */
  readonly gatewayRegistry?: readonly RegistryRecord[];
  /**
   * A lying gateway: what it hands the client instead of the signed key status that org's enclave
   * gave (the statement the genuine enclave signed, the challenge asked); default that answer as it is.
   */
  readonly relaySignedKeyStatus?: Readonly<
    Record<string, (genuine: SignedKeyStatus, challenge: string) => unknown>
  >;
}

export class FakeConfidentialNetwork implements NetworkPort {
  readonly requests: SeenRequest[] = [];
  /** Transactions sent for ordering (after a successful endorsement). */
  readonly ordered: string[] = [];
  /** Public reads: the name, or `name@mspId` for a read aimed at one org's peer. */
  readonly reads: string[] = [];
  /** A plain (unsealed) error the next endorsement fails with, as a lying peer would answer. */
  forgeNextError: string | undefined;
  readonly #fixture: ConfidentialFixture;
  readonly #options: FakeEnclaveOptions;
  readonly #commitCodes: Status['code'][];

  constructor(fixture: ConfidentialFixture, options: FakeEnclaveOptions) {
    this.#fixture = fixture;
    this.#options = options;
    this.#commitCodes = [...(options.commitCodes ?? [])];
  }

  getName(): string {
    return CHANNEL;
  }

  getContract(chaincodeName: string): ContractPort {
    return {
      evaluateTransaction: (name: string): Promise<Uint8Array> => {
        this.reads.push(name);
        // the gateway is a peer of GATEWAY_ORG: it answers from that org's state
        const own = this.#orgAnswer(name, GATEWAY_ORG);
        if (name === Confidential.enclaves && this.#options.gatewayRegistry !== undefined)
          return Promise.resolve(json(this.#options.gatewayRegistry));
        return own instanceof Error ? Promise.reject(own) : Promise.resolve(json(own));
      },
      submitTransaction: (name: string): Promise<Uint8Array> =>
        Promise.reject(new EcarError('UNKNOWN_FUNCTION', `fake: no submit ${name}`)),
      newProposal: (transactionName, options): ProposalPort => {
        const [org] = options?.endorsingOrganizations ?? [];
        const confidential =
          transactionName === Confidential.evaluate || transactionName === Confidential.submit;
        if (org !== undefined && !confidential)
          return this.#publicRead(chaincodeName, transactionName, org, options?.arguments ?? []);
        const envelopeText = options?.arguments?.[0];
        if (typeof envelopeText !== 'string')
          throw new Error('fake: the envelope must be one string argument');
        const txId = randomBytes(32).toString('hex');
        return this.#proposal(chaincodeName, transactionName, txId, envelopeText, org);
      },
    };
  }

  /** What a peer of `mspId` answers to a public read. */
  #orgAnswer(name: string, mspId: string): unknown {
    if (name === Confidential.keyStatus)
      return this.#options.orgKeyStatus?.[mspId] ?? this.#fixture.keyStatus;
    if (name === Confidential.enclaves) return this.#options.orgRegistry?.[mspId] ?? this.#fixture.registry;
    return new EcarError('UNKNOWN_FUNCTION', `fake: no ${name}`);
  }

  /**
   * attestedKeyStatus on a peer of `mspId`: that org's first enclave signs the key status its peer
   * serves (the real statement functions), and the gateway relays it (or lies, when told to).
   */
  #signedKeyStatus(chaincode: string, mspId: string, challenge: string): unknown {
    const keyStatus = this.#orgAnswer(Confidential.keyStatus, mspId);
    if (keyStatus instanceof Error) return keyStatus;
    const enclave = this.#fixture.enclaves.find((e) => e.mspId === mspId);
    if (enclave === undefined) return new EcarError('UNKNOWN_FUNCTION', `fake: ${mspId} runs no enclave`);
    const genuine = signKeyStatus(
      {
        channel: CHANNEL,
        chaincode,
        mspId,
        enclave: enclave.id,
        challenge: parseKeyStatusChallenge(challenge),
        keyStatus: keyStatus as KeyStatus,
      },
      enclave.signing.seed,
    );
    const relay = this.#options.relaySignedKeyStatus?.[mspId];
    return relay === undefined ? genuine : relay(genuine, challenge);
  }

  /** A public record read on a peer of one org. */
  #publicRead(
    chaincode: string,
    name: string,
    mspId: string,
    args: readonly (string | Uint8Array)[],
  ): ProposalPort {
    const answer = (): Uint8Array => {
      this.reads.push(`${name}@${mspId}`);
      const [challenge] = args;
      const own =
        name === Confidential.attestedKeyStatus
          ? this.#signedKeyStatus(chaincode, mspId, typeof challenge === 'string' ? challenge : '')
          : this.#orgAnswer(name, mspId);
      if (own instanceof Error) throw own;
      return json(own);
    };
    return {
      getTransactionId: () => randomBytes(32).toString('hex'),
      evaluate: () => Promise.resolve().then(answer),
      endorse: () => Promise.reject(new Error('fake: public reads are evaluated')),
    };
  }

  #proposal(
    chaincode: string,
    entryPoint: string,
    txId: string,
    envelopeText: string,
    org?: string,
  ): ProposalPort {
    const run = (): Uint8Array => this.#enclave(chaincode, entryPoint, txId, envelopeText, org);
    return {
      getTransactionId: () => txId,
      evaluate: () => Promise.resolve().then(run),
      endorse: (): Promise<TransactionPort> =>
        Promise.resolve().then((): TransactionPort => {
          const result = run();
          return {
            getResult: () => result,
            getTransactionId: () => txId,
            submit: (): Promise<CommitPort> => {
              this.ordered.push(txId);
              const code = this.#commitCodes.shift() ?? StatusCode.VALID;
              const status: Status = {
                blockNumber: BigInt(this.ordered.length),
                code,
                successful: code === StatusCode.VALID,
                transactionId: txId,
              };
              return Promise.resolve({ getStatus: () => Promise.resolve(status) });
            },
          };
        }),
    };
  }

  /** What every endorsing enclave does with the envelope (the real protocol functions). */
  #enclave(
    chaincode: string,
    entryPoint: string,
    txId: string,
    envelopeText: string,
    org: string | undefined,
  ): Uint8Array {
    const envelope = parseEnvelope(envelopeText);
    const secrets = this.#fixture.bundle.epochs.get(envelope.epoch);
    if (secrets === undefined)
      throw endorseError(txId, `ENVELOPE_INVALID: no keys for epoch ${envelope.epoch}`);
    const opened = openRequest(envelope, secrets.boxSecretKey);
    checkRequestBinding(opened.body, {
      channel: CHANNEL,
      chaincode,
      epoch: this.#fixture.keyStatus.currentEpoch,
      // the fake has no identities: the real binding check is the enclave's (entry-point tests)
      submitter: opened.body.submitter,
      nowMs: this.#options.nowMs?.() ?? Date.now(),
    });
    this.requests.push({
      entryPoint,
      txId,
      body: opened.body,
      envelopeText,
      ...(org === undefined ? {} : { org }),
    });
    const forged = this.forgeNextError;
    if (forged !== undefined) {
      this.forgeNextError = undefined;
      throw endorseError(txId, forged);
    }
    let payload: ResponsePayload;
    try {
      const result = this.#options.handler(opened.body);
      const readSet = this.#options.readSet?.(org);
      payload = { ok: true, result, ...(readSet === undefined ? {} : { readSet }) };
    } catch (error) {
      if (!(error instanceof EcarError)) throw error;
      payload = {
        ok: false,
        code: error.code,
        message: error.reason,
        ...(Object.keys(error.details).length === 0 ? {} : { details: error.details }),
      };
    }
    const sealed = sealResponse(payload, {
      sharedKey: opened.sharedKey,
      envelopeText,
      txId,
      epoch: envelope.epoch,
      receiptSeed: this.#options.receiptSeed ?? secrets.receiptSeed,
    });
    if (!payload.ok) throw endorseError(txId, `${SEALED_ERROR_PREFIX}${sealed}`);
    return encoder.encode(sealed);
  }
}

function json(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** An endorsement failure as the gateway reports it: one detail per peer with the chaincode message. */
export function endorseError(txId: string, chaincodeMessage: string): EndorseError {
  const message = `chaincode response 500, ${chaincodeMessage}`;
  const cause = Object.assign(new Error(message), {
    code: GrpcStatus.ABORTED,
    details: message,
    metadata: new Metadata(),
  });
  return new EndorseError({
    code: GrpcStatus.ABORTED,
    details: [
      { address: 'peer0.org1.example.com:7051', mspId: 'Org1MSP', message },
      { address: 'peer0.org2.example.com:9051', mspId: 'Org2MSP', message },
    ],
    cause,
    transactionId: txId,
    message: '10 ABORTED: failed to endorse transaction, see attached details for more info',
  });
}
