// explainError: one line per failure that says what to do, with a stable code for --json.
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { GatewayError } from '@hyperledger/fabric-gateway';
import { expect } from 'chai';
import { EcarError, ErrorCodes } from '../../../chaincode/src/protocol/errors';
import { explainError } from '../../../client/src/cli/errors';
import { WalletError } from '../../../client/src/wallet/wallet-error';
import { EnclaveTrustError } from '../../../client/src/confidential/trust-error';

function gatewayError(code: GrpcStatus, message: string): GatewayError {
  const cause = Object.assign(new Error(message), { code, details: message, metadata: new Metadata() });
  return new GatewayError({ code, details: [], cause, message });
}

describe('explainError', () => {
  it('has a one-line sentence for every chaincode error code', () => {
    for (const code of ErrorCodes) {
      const explained = explainError(new EcarError(code, 'the reason'));
      expect(explained.code).to.equal(code);
      expect(explained.message, code).not.to.include('\n');
      expect(explained.message.length, code).to.be.greaterThan(5);
    }
  });

  it('tells a driver without tokens to top up or lower the hold, in tokens', () => {
    const e = explainError(new EcarError('INSUFFICIENT_FUNDS', 'needs 3000 minor units'));
    expect(e.message).to.equal(
      'not enough tokens: top up with the issuer or lower --hold (needs 30.00 tokens)',
    );
  });

  it('tells a host short of payable earnings to claim or lower the amount, not to top up', () => {
    // read from the details: the sentence is free to change (here it names no amount at all)
    const e = explainError(
      new EcarError('INSUFFICIENT_FUNDS', 'your earnings are short', {
        bucket: 'earned',
        needed: '38776',
        available: '0',
      }),
    );
    expect(e.message).to.equal(
      'not enough payable earnings: 387.76 tokens asked, 0.00 payable; lower --amount, or claim earnings whose dispute window closed (ecar host claim, ecar host earnings)',
    );
  });

  it('reads a short purchased bucket as a top-up, whatever the sentence says about earnings', () => {
    const e = explainError(
      new EcarError('INSUFFICIENT_FUNDS', "needs 38776 minor units from 'earned'", {
        bucket: 'purchased',
        needed: '38776',
        available: '0',
      }),
    );
    expect(e.message).to.match(/^not enough tokens: top up with the issuer/);
  });

  it('explains an attestation refusal in one line: first reason, how many more, request not sent', () => {
    const failures = ['Org1MSP', 'Org2MSP'].map((mspId) => ({
      code: 'ATTESTATION_POLICY_REJECTED' as const,
      subject: `enclave of ${mspId}`,
      reason: 'simulated evidence is not allowed by your policy',
      mspId,
    }));
    const e = explainError(new EnclaveTrustError(failures), { profile: 'driver', policy: 'policy.json' });
    expect(e.code).to.equal('ATTESTATION_POLICY_REJECTED');
    expect(e.message).to.equal(
      'attestation refused, your request was not sent: enclave of Org1MSP: simulated evidence is not allowed by your policy (and 1 more: ecar attest status --profile driver); check your policy file (policy.json)',
    );
    expect(e.details).to.have.length(2);
  });

  it('says which role is needed and to switch profiles on FORBIDDEN', () => {
    const e = explainError(new EcarError('FORBIDDEN', 'mint is allowed only for the issuer'), {
      profile: 'driver',
    });
    expect(e.message).to.equal(
      "not allowed: 'ecar issuer mint' is allowed only for the issuer; run it with the profile of the issuer's wallet (--profile NAME) ('driver' is not), or ask the operator to name your account (ecar whoami)",
    );
  });

  it('points NOT_FOUND at the listing commands', () => {
    expect(explainError(new EcarError('NOT_FOUND', "no station 'x'")).message).to.match(
      /^no station 'x': check the id \(ecar station search/,
    );
  });

  it('names the policy file when attestation is refused', () => {
    const e = explainError(new EcarError('ATTESTATION_TCB_REJECTED', 'TCB status OutOfDate is not allowed'), {
      policy: 'policy.json',
    });
    expect(e.message).to.equal(
      'attestation refused: TCB status OutOfDate is not allowed; check your policy file (policy.json)',
    );
  });

  it('tells the operator to initialise first on NOT_INITIALIZED', () => {
    expect(explainError(new EcarError('NOT_INITIALIZED', 'x')).message).to.include("'ecar operator init'");
  });

  it('maps an unreachable gateway to the endpoint and the network status command', () => {
    const e = explainError(
      gatewayError(GrpcStatus.UNAVAILABLE, '14 UNAVAILABLE: No connection established'),
      {
        endpoint: '127.0.0.1:7051',
      },
    );
    expect(e).to.include({
      code: 'GATEWAY_UNAVAILABLE',
      message:
        'cannot reach the gateway at 127.0.0.1:7051: is the network running? (npm run network -- status)',
    });
    expect(e.details.join('\n')).to.include('No connection established');
  });

  it('maps a gateway timeout and a refused identity', () => {
    expect(explainError(gatewayError(GrpcStatus.DEADLINE_EXCEEDED, 'deadline')).code).to.equal(
      'GATEWAY_TIMEOUT',
    );
    expect(explainError(gatewayError(GrpcStatus.PERMISSION_DENIED, 'denied')).message).to.include(
      'mspId, certificate',
    );
  });

  it('passes wallet errors through with their codes', () => {
    expect(explainError(new WalletError('WALLET_LOCKED', 'wrong passphrase for the wallet f'))).to.include({
      code: 'WALLET_LOCKED',
      message: 'wrong passphrase for the wallet f',
    });
  });

  it('keeps only the first line of an unexpected error', () => {
    expect(explainError(new Error('first\nsecond'))).to.deep.equal({
      code: 'ERROR',
      message: 'first',
      details: [],
    });
  });
});
