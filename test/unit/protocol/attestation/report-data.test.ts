// enclaveReportData / checkEnclaveReportData: the report_data binding of DESIGN.md section 4.
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import {
  checkEnclaveReportData,
  enclaveReportData,
  type EnclaveBinding,
} from '../../../../chaincode/src/protocol/attestation';
import { expectEcarError } from './helpers';

function binding(overrides: Partial<EnclaveBinding> = {}): EnclaveBinding {
  return {
    boxPub: new Uint8Array(32).fill(1),
    signPub: new Uint8Array(32).fill(2),
    channel: 'ecar',
    chaincode: 'ledger',
    mspId: 'Org1MSP',
    ...overrides,
  };
}

function lengthPrefixed(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

describe('enclaveReportData', () => {
  it('is SHA-256 of the documented preimage followed by 32 zero bytes', () => {
    const b = binding();
    const preimage = Buffer.concat([
      Buffer.from('ecar/enclave/v1', 'ascii'),
      b.boxPub,
      b.signPub,
      lengthPrefixed('ecar'),
      lengthPrefixed('ledger'),
      lengthPrefixed('Org1MSP'),
    ]);
    const reportData = enclaveReportData(b);
    expect(reportData).to.have.length(64);
    expect(Buffer.from(reportData)).to.deep.equal(
      Buffer.concat([createHash('sha256').update(preimage).digest(), Buffer.alloc(32)]),
    );
  });

  it('differs when a field boundary moves (length prefixes make the encoding unambiguous)', () => {
    const a = enclaveReportData(binding({ channel: 'ab', chaincode: 'c' }));
    const b = enclaveReportData(binding({ channel: 'a', chaincode: 'bc' }));
    expect(Buffer.from(a)).to.not.deep.equal(Buffer.from(b));
  });

  it('differs for every single field', () => {
    const base = Buffer.from(enclaveReportData(binding()));
    const variants: Partial<EnclaveBinding>[] = [
      { boxPub: new Uint8Array(32).fill(3) },
      { signPub: new Uint8Array(32).fill(3) },
      { channel: 'other' },
      { chaincode: 'other' },
      { mspId: 'Org2MSP' },
    ];
    for (const variant of variants) {
      expect(
        Buffer.from(enclaveReportData(binding(variant))),
        JSON.stringify(Object.keys(variant)),
      ).to.not.deep.equal(base);
    }
  });

  it('throws INVALID_ARGUMENT for a key that is not 32 bytes', () => {
    expectEcarError(() => enclaveReportData(binding({ boxPub: new Uint8Array(31) })), 'INVALID_ARGUMENT');
    expectEcarError(() => enclaveReportData(binding({ signPub: new Uint8Array(33) })), 'INVALID_ARGUMENT');
  });

  it('throws INVALID_ARGUMENT for an empty channel, chaincode or MSP id', () => {
    for (const name of ['channel', 'chaincode', 'mspId'] as const) {
      const error = expectEcarError(() => enclaveReportData(binding({ [name]: '' })), 'INVALID_ARGUMENT');
      expect(error.reason).to.equal(`${name} must not be empty`);
    }
  });
});

describe('checkEnclaveReportData', () => {
  it('accepts the report_data of the same binding', () => {
    expect(() => {
      checkEnclaveReportData(enclaveReportData(binding()), binding());
    }).not.to.throw();
  });

  it('throws ATTESTATION_POLICY_REJECTED when the keys differ', () => {
    const error = expectEcarError(() => {
      checkEnclaveReportData(enclaveReportData(binding()), binding({ signPub: new Uint8Array(32) }));
    }, 'ATTESTATION_POLICY_REJECTED');
    expect(error.details.rule).to.equal('report-data');
  });
});
