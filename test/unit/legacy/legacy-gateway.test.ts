// The common connection profile built from plain data, and the mapping of fabric-network's own error
// shapes (Transaction.submit's endorsement error with `responses`) to the enclave's typed error.
import { expect } from 'chai';
import {
  extractSealedError,
  SEALED_ERROR_PREFIX,
} from '../../../chaincode/src/protocol/confidential/envelope';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import { legacyAnswerError } from '../../../client/src/legacy/legacy-errors';
import { legacyConnectionProfile, type LegacyGatewayInput } from '../../../client/src/legacy/legacy-gateway';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function input(overrides: Partial<LegacyGatewayInput> = {}): LegacyGatewayInput {
  return {
    channel: 'ecar',
    orgs: [
      {
        mspId: 'Org1MSP',
        peers: [{ name: 'peer0.org1.ecar.test', endpoint: '127.0.0.1:17051', tlsCaPem: CA }],
      },
      {
        mspId: 'Org2MSP',
        peers: [{ name: 'peer0.org2.ecar.test', endpoint: '127.0.0.1:17061', tlsCaPem: CA }],
      },
    ],
    orderers: [{ name: 'orderer.ecar.test', endpoint: '127.0.0.1:17050', tlsCaPem: CA }],
    ordererMspId: 'OrdererMSP',
    identity: { mspId: 'Org1MSP', certificate: 'CERT', privateKey: 'KEY' },
    tlsServerName: 'localhost',
    ...overrides,
  };
}

describe('legacyConnectionProfile', () => {
  it('lists both orgs, their peers with the TLS name override, the orderer and the channel', () => {
    const profile = legacyConnectionProfile(input()) as {
      client: unknown;
      organizations: Record<string, unknown>;
      peers: Record<
        string,
        { url: string; tlsCACerts: { pem: string }; grpcOptions: Record<string, string> }
      >;
      orderers: Record<string, { url: string }>;
      channels: Record<string, { orderers: string[]; peers: Record<string, { endorsingPeer: boolean }> }>;
    };
    expect(profile.client).to.deep.equal({ organization: 'Org1MSP' });
    expect(Object.keys(profile.organizations)).to.deep.equal(['Org1MSP', 'Org2MSP', 'OrdererMSP']);
    expect(profile.peers['peer0.org2.ecar.test']).to.deep.equal({
      url: 'grpcs://127.0.0.1:17061',
      tlsCACerts: { pem: CA },
      grpcOptions: { 'ssl-target-name-override': 'localhost', hostnameOverride: 'localhost' },
    });
    expect(profile.orderers['orderer.ecar.test']?.url).to.equal('grpcs://127.0.0.1:17050');
    expect(profile.channels.ecar?.orderers).to.deep.equal(['orderer.ecar.test']);
    expect(Object.keys(profile.channels.ecar?.peers ?? {})).to.deep.equal([
      'peer0.org1.ecar.test',
      'peer0.org2.ecar.test',
    ]);
  });

  it('never puts the private key into the profile', () => {
    expect(JSON.stringify(legacyConnectionProfile(input()))).not.to.contain('KEY');
  });

  it("refuses inputs without the client org's peers", () => {
    expect(() =>
      legacyConnectionProfile(input({ identity: { mspId: 'Org3MSP', certificate: 'C', privateKey: 'K' } })),
    ).to.throw(/Org3MSP/);
  });
});

describe('legacyAnswerError', () => {
  const context = {
    secrets: { sharedKey: new Uint8Array(32), envelopeText: '{}' },
    txId: 'tx-1',
    epoch: 1,
    receiptPublicKey: new Uint8Array(32),
  };

  it('turns a plain CODE: reason in an attached peer response into that EcarError', () => {
    const error = Object.assign(new Error('No valid responses from any peers. Errors:'), {
      responses: [
        {
          response: {
            status: 500,
            message: 'NOT_INITIALIZED: the ledger has no parameters',
            payload: Buffer.alloc(0),
          },
        },
      ],
      errors: [],
    });
    const mapped = legacyAnswerError(error, context);
    expect(mapped).to.be.instanceOf(EcarError);
    expect((mapped as EcarError).code).to.equal('NOT_INITIALIZED');
  });

  it('refuses a sealed error whose receipt does not verify as ENVELOPE_INVALID', () => {
    const sealed = `${SEALED_ERROR_PREFIX}{"v":1,"epoch":1,"ct":"AAAA","receipt":"${'A'.repeat(86)}=="}`;
    expect(extractSealedError(sealed)).to.be.a('string');
    const mapped = legacyAnswerError(new Error(`peer error response: ${sealed}`), context);
    expect((mapped as EcarError).code).to.equal('ENVELOPE_INVALID');
  });

  it('returns an error without any answer unchanged', () => {
    const error = new Error('14 UNAVAILABLE: No connection established');
    expect(legacyAnswerError(error, context)).to.equal(error);
  });
});
