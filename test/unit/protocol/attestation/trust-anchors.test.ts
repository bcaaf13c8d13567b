// The pinned Intel SGX Root CA key is the key of Intel's published root certificate.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { INTEL_SGX_ROOT_CA } from '../../../../chaincode/src/protocol/attestation/trust-anchors';
import { testdataPath } from '../../../support/testdata';

describe('INTEL_SGX_ROOT_CA', () => {
  it('pins the public key of the Intel SGX Root CA certificate (uncompressed P-256 point)', () => {
    const certificate = new X509Certificate(
      readFileSync(testdataPath('attestation', 'intel-sgx-root-ca.der')),
    );
    expect(certificate.subject).to.include('Intel SGX Root CA');
    const jwk = certificate.publicKey.export({ format: 'jwk' });
    const point = Buffer.concat([
      Buffer.from([0x04]),
      Buffer.from(jwk.x ?? '', 'base64url'),
      Buffer.from(jwk.y ?? '', 'base64url'),
    ]);
    expect(Buffer.from(INTEL_SGX_ROOT_CA.publicKey).toString('hex')).to.equal(point.toString('hex'));
    expect(INTEL_SGX_ROOT_CA.simulated).to.equal(false);
  });
});
