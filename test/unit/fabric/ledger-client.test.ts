// FabricLedgerClient over a fake gateway Contract: encoding, decoding, error mapping, MVCC-only retry.
import { Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import {
  EndorseError,
  GatewayError,
  StatusCode,
  type Contract,
  type Status,
  type SubmittedTransaction,
} from '@hyperledger/fabric-gateway';
import { expect } from 'chai';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import {
  ecarErrorIn,
  encodeArgs,
  FabricLedgerClient,
  toLedgerError,
} from '../../../client/src/fabric/ledger-client';
import { rejectionOf } from '../../support/rejection';

type Outcome = { readonly code: Status['code'] } | { readonly error: Error };

/** Records every call; each submit takes the next outcome (a validation code or an endorsement error). */
class FakeContract implements Pick<Contract, 'submitAsync' | 'evaluateTransaction'> {
  readonly submits: string[][] = [];
  readonly evaluations: string[][] = [];
  readonly outcomes: Outcome[] = [];
  result = '{"ok":true,"amount":"123456789012345678901234567890"}';
  evaluateError: Error | undefined;

  submitAsync(
    name: string,
    options?: { arguments?: (string | Uint8Array)[] },
  ): Promise<SubmittedTransaction> {
    const args = (options?.arguments ?? []).map((a) =>
      typeof a === 'string' ? a : Buffer.from(a).toString(),
    );
    this.submits.push([name, ...args]);
    const outcome = this.outcomes.shift() ?? { code: StatusCode.VALID };
    if ('error' in outcome) return Promise.reject(outcome.error);
    const transactionId = `tx${this.submits.length}`;
    const status: Status = {
      blockNumber: 7n,
      code: outcome.code,
      successful: outcome.code === StatusCode.VALID,
      transactionId,
    };
    const result = new TextEncoder().encode(this.result);
    return Promise.resolve({
      getResult: () => result,
      getStatus: () => Promise.resolve(status),
      getTransactionId: () => transactionId,
      getBytes: () => new Uint8Array(),
      getDigest: () => new Uint8Array(),
    });
  }

  evaluateTransaction(name: string, ...args: (string | Uint8Array)[]): Promise<Uint8Array> {
    this.evaluations.push([
      name,
      ...args.map((a) => (typeof a === 'string' ? a : Buffer.from(a).toString())),
    ]);
    if (this.evaluateError) return Promise.reject(this.evaluateError);
    return Promise.resolve(new TextEncoder().encode(this.result));
  }
}

function serviceError(message: string): ServiceError {
  return Object.assign(new Error(message), {
    code: GrpcStatus.ABORTED,
    details: message,
    metadata: new Metadata(),
  });
}

function endorseError(...peerMessages: string[]): EndorseError {
  return new EndorseError({
    code: 10,
    message: '10 ABORTED: failed to endorse transaction, see attached details for more info',
    details: peerMessages.map((message, i) => ({
      address: `peer${i}:7051`,
      mspId: `Org${i + 1}MSP`,
      message,
    })),
    cause: serviceError('failed to endorse transaction'),
    transactionId: 'tx-endorse',
  });
}

describe('FabricLedgerClient', () => {
  let contract: FakeContract;
  let client: FabricLedgerClient;
  beforeEach(() => {
    contract = new FakeContract();
    client = new FabricLedgerClient({ contract, retryDelayMs: 0 });
  });

  describe('submit', () => {
    it("calls the contract's submit with the name and JSON arguments (bigint as decimal strings)", async () => {
      const submitted = await client.submit('mint', {
        account: 'a',
        amount: 12345678901234567890n,
        ref: undefined,
      });
      expect(contract.submits).to.deep.equal([
        ['submit', 'mint', '{"account":"a","amount":"12345678901234567890"}'],
      ]);
      expect(submitted).to.deep.equal({
        result: { ok: true, amount: '123456789012345678901234567890' },
        transactionId: 'tx1',
        blockNumber: 7n,
        attempts: 1,
      });
    });

    it('throws the EcarError the chaincode answered and does not retry it', async () => {
      contract.outcomes.push({
        error: endorseError(
          'chaincode response 500, INSUFFICIENT_FUNDS: needs 5 minor units from purchased but only 1 are available',
        ),
      });
      const error = await rejectionOf(client.submit('startSession', {}));
      expect(error).to.be.instanceOf(EcarError);
      expect(error).to.include({ code: 'INSUFFICIENT_FUNDS' });
      expect((error as EcarError).reason).to.equal(
        'needs 5 minor units from purchased but only 1 are available',
      );
      expect(contract.submits).to.have.length(1);
    });

    it('endorses and submits again after an MVCC read conflict, and reports the attempts', async () => {
      contract.outcomes.push(
        { code: StatusCode.MVCC_READ_CONFLICT },
        { code: StatusCode.MVCC_READ_CONFLICT },
      );
      const submitted = await client.submit('claimEarnings');
      expect(submitted.attempts).to.equal(3);
      expect(submitted.transactionId).to.equal('tx3');
      expect(contract.submits).to.have.length(3);
    });

    it('endorses and submits again after a phantom read conflict (a range read went stale)', async () => {
      contract.outcomes.push({ code: StatusCode.PHANTOM_READ_CONFLICT });
      const submitted = await client.submit('claimEarnings');
      expect(submitted.attempts).to.equal(2);
      expect(contract.submits).to.have.length(2);
    });

    it('gives up with CONFLICT after maxAttempts MVCC read conflicts', async () => {
      client = new FabricLedgerClient({ contract, retryDelayMs: 0, maxAttempts: 2 });
      contract.outcomes.push(
        { code: StatusCode.MVCC_READ_CONFLICT },
        { code: StatusCode.MVCC_READ_CONFLICT },
      );
      const error = await rejectionOf(client.submit('claimEarnings'));
      expect(error).to.be.instanceOf(EcarError).and.include({ code: 'CONFLICT' });
      expect((error as EcarError).details).to.deep.include({ transactionId: 'tx2', attempts: 2 });
      expect(contract.submits).to.have.length(2);
    });

    it('does not retry another commit failure (INTERNAL with the validation code)', async () => {
      contract.outcomes.push({ code: StatusCode.ENDORSEMENT_POLICY_FAILURE });
      const error = await rejectionOf(client.submit('mint'));
      expect(error).to.be.instanceOf(EcarError).and.include({ code: 'INTERNAL' });
      expect((error as EcarError).details).to.deep.include({
        validationCode: StatusCode.ENDORSEMENT_POLICY_FAILURE,
      });
      expect(contract.submits).to.have.length(1);
    });

    it('passes a network failure without a contract answer through unchanged', async () => {
      const unreachable = new GatewayError({
        code: 14,
        details: [],
        cause: serviceError('14 UNAVAILABLE: No connection established'),
        message: '14 UNAVAILABLE: No connection established',
      });
      contract.outcomes.push({ error: unreachable });
      expect(await rejectionOf(client.submit('mint'))).to.equal(unreachable);
    });
  });

  describe('evaluate', () => {
    it("calls the contract's evaluate and decodes the JSON result, money kept as strings", async () => {
      expect(await client.evaluate('getBalance', { account: 'x' })).to.deep.equal({
        ok: true,
        amount: '123456789012345678901234567890',
      });
      expect(contract.evaluations).to.deep.equal([['evaluate', 'getBalance', '{"account":"x"}']]);
    });

    it('maps a code found in the gateway error message', async () => {
      contract.evaluateError = new GatewayError({
        code: 2,
        details: [],
        cause: serviceError('x'),
        message:
          '2 UNKNOWN: evaluate call to endorser returned error: chaincode response 500, NOT_FOUND: no station',
      });
      const error = await rejectionOf(client.evaluate('getStation', { stationId: 'x' }));
      expect(error).to.be.instanceOf(EcarError).and.include({ code: 'NOT_FOUND', reason: 'no station' });
    });
  });

  describe('whoami', () => {
    it("answers the id from the contract's whoami", async () => {
      contract.result = '{"id":"x509:abc","mspId":"Org1MSP"}';
      expect(await client.whoami()).to.equal('x509:abc');
      expect(contract.evaluations).to.deep.equal([['whoami']]);
    });
  });
});

describe('ecarErrorIn', () => {
  it('skips words that look like codes but are not ErrorCodes (ABORTED, UNKNOWN)', () => {
    const error = ecarErrorIn('10 ABORTED: failed; UNKNOWN: x; chaincode response 500, METER_REPLAY: again');
    expect(error?.code).to.equal('METER_REPLAY');
    expect(error?.reason).to.equal('again');
  });

  it('answers undefined when no known code appears', () => {
    expect(ecarErrorIn('14 UNAVAILABLE: No connection established')).to.equal(undefined);
  });
});

describe('toLedgerError', () => {
  it('rebuilds the details the chaincode wrote and keeps the transaction id and the gateway error', () => {
    const gatewayError = endorseError(
      'chaincode response 500, INSUFFICIENT_FUNDS: short [details:{"bucket":"earned","needed":"5","available":"1"}]',
    );
    const mapped = toLedgerError(gatewayError);
    expect(mapped).to.be.instanceOf(EcarError);
    const error = mapped as EcarError;
    expect(error).to.include({ code: 'INSUFFICIENT_FUNDS', reason: 'short', transactionId: 'tx-endorse' });
    expect(error.details).to.deep.equal({ bucket: 'earned', needed: '5', available: '1' });
    expect(error.cause).to.equal(gatewayError);
  });

  it('prefers the per-peer details over the summary message', () => {
    const mapped = toLedgerError(
      endorseError('chaincode response 500, FORBIDDEN: mint is allowed only for the issuer'),
    );
    expect(mapped).to.be.instanceOf(EcarError).and.include({ code: 'FORBIDDEN' });
  });
});

describe('encodeArgs', () => {
  it('refuses a number that is not a safe integer (money travels as decimal strings)', () => {
    expect(() => encodeArgs({ amount: 0.1 }))
      .to.throw(EcarError)
      .with.property('code', 'INVALID_ARGUMENT');
  });
});
