// fabricCallerId / callerFromIdentity: a short id, stable across certificate encodings, distinct per
// MSP and certificate, and the same on the client and in the chaincode.
import { createHash, X509Certificate } from 'node:crypto';
import { expect } from 'chai';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import { CALLER_ID_PATTERN, fabricCallerId } from '../../../chaincode/src/protocol/caller-id';
import { callerFromIdentity } from '../../../chaincode/src/fabric/fabric-caller';
import { fakeIdentity, testCertificates } from '../../support/fake-stub';

describe('fabricCallerId', () => {
  const { root, signer } = testCertificates();

  it('is x509: + base64url(SHA-256(mspId, newline, certificate DER)), 48 characters', () => {
    const der = new X509Certificate(root).raw;
    const expected = createHash('sha256').update('Org1MSP\n').update(der).digest('base64url');
    const id = fabricCallerId('Org1MSP', root);
    expect(id).to.equal(`x509:${expected}`);
    expect(id).to.have.length(48).and.match(CALLER_ID_PATTERN);
  });

  it('is the same for PEM text, PEM bytes, CRLF PEM and DER bytes of one certificate', () => {
    const id = fabricCallerId('Org1MSP', root);
    expect(fabricCallerId('Org1MSP', Buffer.from(root, 'utf8'))).to.equal(id);
    expect(fabricCallerId('Org1MSP', root.replace(/\n/g, '\r\n'))).to.equal(id);
    expect(fabricCallerId('Org1MSP', new X509Certificate(root).raw)).to.equal(id);
  });

  it('differs between MSPs and between certificates', () => {
    const ids = new Set([
      fabricCallerId('Org1MSP', root),
      fabricCallerId('Org2MSP', root),
      fabricCallerId('Org1MSP', signer),
      fabricCallerId('Org2MSP', signer),
    ]);
    expect(ids.size).to.equal(4);
  });

  it('throws FORBIDDEN for identity bytes that are not a certificate', () => {
    expect(() => fabricCallerId('Org1MSP', 'not a certificate'))
      .to.throw(EcarError)
      .with.property('code', 'FORBIDDEN');
  });

  it('throws FORBIDDEN for an empty MSP id', () => {
    expect(() => fabricCallerId('', root))
      .to.throw(EcarError)
      .with.property('code', 'FORBIDDEN');
  });
});

describe('callerFromIdentity', () => {
  it('derives the id from the client identity and keeps its MSP id', () => {
    const { root } = testCertificates();
    const caller = callerFromIdentity(fakeIdentity('Org2MSP', root));
    expect(caller).to.deep.equal({ id: fabricCallerId('Org2MSP', root), mspId: 'Org2MSP' });
  });
});
