// Known-answer vectors for our own crypto constructions: report_data (DESIGN section 4), state key
// pseudonyms and sealed state values (section 5.4), and MRENCLAVE file sealing. The expected values
// were computed once by an independent implementation (Python: hashlib, hmac and PyNaCl 1.5.0, from
// the constructions as documented), not by this code, so a change to a domain string, a field order,
// the padding or the nonce derivation fails here even when seal and open still agree with each other.
import { expect } from 'chai';
import { enclaveReportData } from '../../../chaincode/src/protocol/attestation';
import { pseudonymKey, sealValue } from '../../../chaincode/src/protocol/confidential/sealed-state';
import { simulatedSealer } from '../../../chaincode/src/enclave/sealing';

const bytes = (value: number, length = 32): Uint8Array => new Uint8Array(length).fill(value);
const hex = (data: Uint8Array): string => Buffer.from(data).toString('hex');

describe('known answers', () => {
  it('report_data: SHA-256 of the domain, both keys and the length-prefixed names, then 32 zero bytes', () => {
    const reportData = enclaveReportData({
      boxPub: bytes(1),
      signPub: bytes(2),
      channel: 'ecar',
      chaincode: 'ledger',
      mspId: 'Org1MSP',
    });
    expect(hex(reportData)).to.equal(
      'ca621e66f9f3cd351b530f0610d93ec43daaa23f55a98aac22aefc2680bc3f78' + '00'.repeat(32),
    );
  });

  it('pseudonym: s/ then, per path prefix, base64url of the first 16 bytes of HMAC-SHA256(name key)', () => {
    expect(pseudonymKey(bytes(3), `account/w:${'ab'.repeat(32)}`)).to.equal(
      's/lMmjgFwAS4zk-56XFZcdCQ/hmsZe6kSxNy24p3x4pCuvA',
    );
  });

  it('sealed value: secretbox of the padded {d,k,w} under a nonce derived from (txId, key, plaintext)', () => {
    const sealed = sealValue(
      { owner: 'w:ab', amount: '5' },
      { logicalKey: 'account/w:ab', txId: 'tx-1', epoch: 1, stateKey: bytes(4) },
    );
    expect(Buffer.from(sealed).toString('utf8')).to.equal(
      '{"ct":"3ZCwcSFp18JVpZN8l/WRgPFHRJzw97kVR2ac6xwcFz0sB6KIBcS0NxeDQffakn0KAZAt+mntvEhWHnLv/TG14wbJdOiHjCbMpC9KK2wL2+BoYCZSxZz5x2EdoJR8/c9cuRnUatrutWA7nshJ6OVBND4LlBdRrJVsB6CcPrZWlcuDJfDTe8tVRRDTqdHOZYPdkldOesaaytif5NJK1DCuVuo9Xa5VF0ysTYw3IVLjDt2LUCIZcrcxyjvJYAkgb4IwgFzNE4mjoCVx74j12NThPWurR7mWMQeMsDkNmSvnJv+ggzLH3JPejci4lWDC8qTmRTxAveLOf0h1cbLYVynOIY5lc4eSOftb7mDDmywb9Yk=","e":1,"n":"FQwtSek9ulGs+6KGEQxob78+a0dFe1tx","v":1}',
    );
  });

  it('MRENCLAVE sealing: opens a file another implementation sealed for the same CPU secret, build and label', () => {
    const sealer = simulatedSealer(bytes(5), bytes(6));
    const blob = Buffer.from(
      '454353310707070707070707070707070707070707070707070707074ec80f44bf6670e61ed1bf77113fa5aec0e29f8a3cd8329e4bb8c76adae0089d80c0d50b6ed1e5a64681dcbd0587ed76857e934e312fb1',
      'hex',
    );
    expect(Buffer.from(sealer.unseal('keys', blob)).toString('utf8')).to.equal(
      'sealed by an independent implementation',
    );
    expect(() => simulatedSealer(bytes(5), bytes(8)).unseal('keys', blob), 'another build').to.throw();
    expect(() => sealer.unseal('other-label', blob), 'another label').to.throw();
  });
});
