// The package's entry points as an application imports them, by the package name: `ecar` (resolved
// through package.json `exports`, so this also checks that mapping) and `ecar/provisioning`.
import { expect } from 'chai';
import { toB64 } from '../../../chaincode/src/protocol/confidential/encoding';
import { submitterBinding } from '../../../chaincode/src/protocol/confidential/envelope';
import { signingKeyPair } from '../../../chaincode/src/protocol/confidential/primitives';
import { CHAINCODE, CHANNEL, confidentialFixture, NOW } from '../../support/confidential-fixture';
import { FakeConfidentialNetwork } from '../../support/fake-confidential-network';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded by name, as an application would
const ecar = require('ecar') as typeof import('../../../client/src/index');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded by name, as an operator would
const provisioning = require('ecar/provisioning') as typeof import('../../../client/src/provisioning');

const fixture = confidentialFixture();
const clock = (): Date => new Date(NOW.getTime() + 60_000);
const CREDENTIALS = new TextEncoder().encode('client certificate');

function fakeGateway(network: FakeConfidentialNetwork): {
  getNetwork(channel: string): FakeConfidentialNetwork;
  getIdentity(): { mspId: string; credentials: Uint8Array };
  channels: string[];
} {
  const channels: string[] = [];
  return {
    channels,
    getNetwork(channel: string) {
      channels.push(channel);
      return network;
    },
    getIdentity: () => ({ mspId: 'Org1MSP', credentials: CREDENTIALS }),
  };
}

function fakeNetwork(): FakeConfidentialNetwork {
  return new FakeConfidentialNetwork(fixture, {
    handler: (body) => ({ fn: body.fn, args: body.args }),
    nowMs: () => clock().getTime(),
  });
}

describe("the package entry 'ecar'", () => {
  it('exports the application API', () => {
    for (const name of [
      'connectConfidential',
      'createWallet',
      'openWallet',
      'loadAttestationPolicy',
      'attestationStatus',
      'verifyQuote',
      'verifyMeterRecords',
      'readSafeXml',
      'parseTokenAmount',
      'typedLedger',
      'isTransactionName',
    ]) {
      expect(ecar, name).to.have.property(name).that.is.a('function');
    }
    expect(new ecar.EnclaveTrustError([])).to.be.instanceOf(ecar.EcarError);
    expect(ecar.TRANSACTION_KINDS).to.include({ mint: 'submit', getBalance: 'evaluate' });
  });

  it('exports no implementation class and no provisioning step', () => {
    for (const name of [
      'ConfidentialLedgerClient',
      'FabricLedgerClient',
      'provision',
      'rotateKeys',
      'openGateway',
    ]) {
      expect(ecar, name).to.not.have.property(name);
    }
  });

  describe('connectConfidential', () => {
    it("seals calls to the gateway's channel, bound to its identity and the opened wallet's key", async () => {
      const network = fakeNetwork();
      const gateway = fakeGateway(network);
      const wallet = { keyPair: signingKeyPair() };
      const ledger = ecar.connectConfidential({
        gateway,
        channel: CHANNEL,
        chaincode: CHAINCODE,
        wallet,
        policy: fixture.policy,
        clock,
      });
      const answer = await ledger.submit('mint', { account: 'w:1', amount: 5n, paymentRef: 'p-1' });
      expect(answer.result).to.deep.equal({
        fn: 'mint',
        args: { account: 'w:1', amount: '5', paymentRef: 'p-1' },
      });
      expect(gateway.channels).to.deep.equal([CHANNEL]);
      const [seen] = network.requests;
      expect(seen?.body).to.include({
        channel: CHANNEL,
        chaincode: CHAINCODE,
        wallet: toB64(wallet.keyPair.publicKey),
      });
      expect(seen?.body.submitter).to.deep.equal(submitterBinding('Org1MSP', CREDENTIALS));
    });

    it('accepts a network with its identity and a bare key pair', async () => {
      const network = fakeNetwork();
      const key = signingKeyPair();
      const ledger = ecar.connectConfidential({
        network,
        identity: { mspId: 'Org1MSP', credentials: CREDENTIALS },
        chaincode: CHAINCODE,
        wallet: key,
        policy: fixture.policy,
        clock,
      });
      await ledger.evaluate('getBalance');
      expect(network.requests.map((r) => r.body.wallet)).to.deep.equal([toB64(key.publicKey)]);
    });

    it('throws INVALID_ARGUMENT and reads nothing when the chaincode name is empty or the key is not Ed25519', () => {
      const network = fakeNetwork();
      const base = {
        network,
        identity: { mspId: 'Org1MSP', credentials: CREDENTIALS },
        policy: fixture.policy,
      };
      const attempts = [
        () => ecar.connectConfidential({ ...base, chaincode: '', wallet: signingKeyPair() }),
        () =>
          ecar.connectConfidential({
            ...base,
            chaincode: CHAINCODE,
            wallet: { seed: new Uint8Array(16), publicKey: new Uint8Array(32) },
          }),
      ];
      for (const attempt of attempts) {
        expect(attempt).to.throw(ecar.EcarError).with.property('code', 'INVALID_ARGUMENT');
      }
      expect(network.requests).to.deep.equal([]);
    });
  });

  describe('loadAttestationPolicy', () => {
    it('returns a policy that pins enclave code', () => {
      expect(ecar.loadAttestationPolicy(JSON.stringify(fixture.policy)).measurements).to.deep.equal(
        fixture.policy.measurements,
      );
    });

    it('throws InvalidPolicyError for a policy that pins no enclave code', () => {
      const unpinned = JSON.stringify({ ...fixture.policy, measurements: [], signers: [] });
      expect(() => ecar.loadAttestationPolicy(unpinned)).to.throw(ecar.InvalidPolicyError);
    });
  });
});

describe("the package entry 'ecar/provisioning'", () => {
  it("exports the operators' steps and their error", () => {
    for (const name of ['provision', 'rotateKeys', 'changePolicy', 'registerEvidence', 'shareKeysTo']) {
      expect(provisioning, name).to.have.property(name).that.is.a('function');
    }
    expect(provisioning.ProvisioningError.prototype).to.be.instanceOf(ecar.EcarError);
  });
});
