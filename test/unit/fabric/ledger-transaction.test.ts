// runLedgerTransaction and LedgerContract: the edge checks, the ports wiring, one event per
// successful submit, and errors that carry a stable code and nothing internal.
import '../../support/quiet-contract-logs';
import { expect } from 'chai';
import type { Context } from 'fabric-contract-api';
import { contracts } from '../../../chaincode/src/index';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import { fabricCallerId } from '../../../chaincode/src/protocol/caller-id';
import { LedgerContract } from '../../../chaincode/src/fabric/ledger-contract';
import {
  MAX_ARGS_LENGTH,
  runLedgerTransaction,
  type LedgerEnvironment,
} from '../../../chaincode/src/fabric/ledger-transaction';
import { ocmfMeterVerifier } from '../../../chaincode/src/protocol/ocmf';
import { FakeChaincodeStub, fakeIdentity, testCertificates } from '../../support/fake-stub';
import { ecarRejection } from '../../support/rejection';

const { root, signer } = testCertificates();
const OPERATOR_ID = fabricCallerId('Org1MSP', root);
const ISSUER_ID = fabricCallerId('Org2MSP', signer);

function env(stub: FakeChaincodeStub, mspId = 'Org1MSP', certificate = root): LedgerEnvironment {
  return { stub, clientIdentity: fakeIdentity(mspId, certificate), meter: ocmfMeterVerifier };
}

const initArgs = JSON.stringify({ issuer: ISSUER_ID, holdDefault: '20000', disputeWindowSeconds: 60 });

describe('runLedgerTransaction', () => {
  let stub: FakeChaincodeStub;
  beforeEach(() => {
    stub = new FakeChaincodeStub();
  });

  describe('submit', () => {
    it('runs the domain transaction as the certificate caller at the transaction time, and returns JSON', async () => {
      const text = await runLedgerTransaction(env(stub), 'submit', 'initialize', initArgs);
      const params = JSON.parse(text) as Record<string, unknown>;
      expect(params.operator).to.equal(OPERATOR_ID);
      expect(params.issuer).to.equal(ISSUER_ID);
      expect(params.holdDefault).to.equal('20000'); // bigint money stays a decimal string
      expect(params.updatedAt).to.equal(1_772_438_400_123);
      expect(stub.written('params')).to.equal(
        JSON.stringify(Object.fromEntries(Object.entries(params).sort(([a], [b]) => (a < b ? -1 : 1)))),
      );
    });

    it('sets exactly one chaincode event for a successful submit', async () => {
      await runLedgerTransaction(env(stub), 'submit', 'initialize', initArgs);
      expect(stub.events).to.deep.equal([{ name: 'ParamsChanged', payload: '{"version":"1"}' }]);
    });

    it('sets no event and the error code when the domain refuses', async () => {
      await runLedgerTransaction(env(stub), 'submit', 'initialize', initArgs);
      stub.commit();
      const args = JSON.stringify({ account: OPERATOR_ID, amount: '5', paymentRef: 'p1' });
      const error = await ecarRejection(runLedgerTransaction(env(stub), 'submit', 'mint', args));
      expect(error.code).to.equal('FORBIDDEN');
      expect(error.message.slice(0, 'FORBIDDEN: '.length)).to.equal('FORBIDDEN: ');
      expect(stub.events).to.deep.equal([]);
    });

    it('puts the details of a refusal into its message, which is all fabric passes on', async () => {
      await runLedgerTransaction(env(stub), 'submit', 'initialize', initArgs);
      stub.commit();
      const args = JSON.stringify({ account: OPERATOR_ID, amount: '5', paymentRef: 'p1' });
      const error = await ecarRejection(runLedgerTransaction(env(stub), 'submit', 'mint', args));
      const crossed = EcarError.fromMessage(`chaincode response 500, ${error.message}`);
      expect(crossed?.code).to.equal('FORBIDDEN');
      expect(crossed?.reason).to.equal(error.reason);
      expect(crossed?.details).to.deep.equal({ action: 'mint', requirement: 'the issuer' });
    });

    it('sees the issuer as another caller (another MSP and certificate)', async () => {
      await runLedgerTransaction(env(stub), 'submit', 'initialize', initArgs);
      stub.commit();
      const args = JSON.stringify({ account: OPERATOR_ID, amount: '5', paymentRef: 'p1' });
      const minted = JSON.parse(
        await runLedgerTransaction(env(stub, 'Org2MSP', signer), 'submit', 'mint', args),
      ) as Record<string, unknown>;
      expect(minted).to.include({ account: OPERATOR_ID, amount: '5', txId: stub.txId });
    });

    it('treats empty argument text as no arguments', async () => {
      const error = await ecarRejection(runLedgerTransaction(env(stub), 'submit', 'claimEarnings', ''));
      expect(error.code).to.equal('NOT_INITIALIZED');
    });
  });

  describe('evaluate', () => {
    it('refuses a write transaction (INVALID_ARGUMENT) and writes nothing', async () => {
      const error = await ecarRejection(runLedgerTransaction(env(stub), 'evaluate', 'initialize', initArgs));
      expect(error.code).to.equal('INVALID_ARGUMENT');
      expect(stub.writes.size).to.equal(0);
      expect(stub.events).to.deep.equal([]);
    });

    it('answers a read', async () => {
      await runLedgerTransaction(env(stub), 'submit', 'initialize', initArgs);
      stub.commit();
      const balance = JSON.parse(await runLedgerTransaction(env(stub), 'evaluate', 'getBalance', '{}')) as {
        account: string;
        total: string;
      };
      expect(balance).to.include({ account: OPERATOR_ID, total: '0' });
    });
  });

  describe('edge checks', () => {
    it('throws UNKNOWN_FUNCTION for a name the registry does not know', async () => {
      expect(
        (await ecarRejection(runLedgerTransaction(env(stub), 'submit', 'stealTokens', '{}'))).code,
      ).to.equal('UNKNOWN_FUNCTION');
    });

    it('throws INVALID_ARGUMENT for a function name that is not 1-64 letters and digits', async () => {
      for (const fn of ['', 'get-params', 'x'.repeat(65), 42, undefined]) {
        const error = await ecarRejection(runLedgerTransaction(env(stub), 'submit', fn, '{}'));
        expect(error.code, String(fn)).to.equal('INVALID_ARGUMENT');
        expect(error.details).to.deep.equal({ field: 'fn' });
      }
    });

    it('throws INVALID_ARGUMENT for arguments that are not JSON text, or too long', async () => {
      for (const args of ['{nope', 17, 'x'.repeat(MAX_ARGS_LENGTH + 1)]) {
        const error = await ecarRejection(runLedgerTransaction(env(stub), 'submit', 'getParams', args));
        expect(error.code).to.equal('INVALID_ARGUMENT');
        expect(error.details).to.deep.equal({ field: 'args' });
      }
    });

    it('turns an unexpected failure into INTERNAL without its message or stack', async () => {
      stub.getState = () => Promise.reject(new Error('leveldb: corrupt block at /var/hyperledger/x'));
      const error = await ecarRejection(runLedgerTransaction(env(stub), 'evaluate', 'getParams', '{}'));
      expect(error.code).to.equal('INTERNAL');
      expect(error.message).not.to.include('leveldb');
    });
  });
});

describe('LedgerContract', () => {
  /** The fake stub and identity in the shape fabric-contract-api hands to transaction functions. */
  function context(stub: FakeChaincodeStub): Context {
    return { stub, clientIdentity: fakeIdentity('Org1MSP', root) } as unknown as Context;
  }

  it("is served next to the heartbeat contract under the name 'ledger'", () => {
    expect(contracts.map((C) => new C().getName())).to.deep.equal(['heartbeat', 'ledger', 'confidential']);
  });

  it('submit and evaluate dispatch to the domain; whoami answers the caller id and MSP', async () => {
    const stub = new FakeChaincodeStub();
    const contract = new LedgerContract();
    await contract.submit(context(stub), 'initialize', initArgs);
    stub.commit();
    const params = JSON.parse(await contract.evaluate(context(stub), 'getParams', '{}')) as {
      operator: string;
    };
    expect(params.operator).to.equal(OPERATOR_ID);
    expect(JSON.parse(await contract.whoami(context(stub)))).to.deep.equal({
      id: OPERATOR_ID,
      mspId: 'Org1MSP',
    });
  });
});
