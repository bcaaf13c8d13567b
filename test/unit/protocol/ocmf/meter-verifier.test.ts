// The real OCMF meter verifier behind the domain: the verifier checks signature, pinned key and
// method; settlement owns the billing rules, so a record of another meter serial is refused by the
// domain with METER_MISMATCH.
import { expect } from 'chai';
import { ocmfMeterVerifier, signOcmfRecord } from '../../../../chaincode/src/protocol/ocmf';
import { DRIVER, expectError, meterArgs, readyLedger, startArgs } from '../../../support/builders';
import { payload, testMeter } from './builders';

describe('ocmfMeterVerifier with the domain', () => {
  const meter = testMeter('secp256r1');
  const pinned = {
    vendor: 'ecar',
    model: 'test',
    serial: 'METER-1',
    publicKey: meter.publicKeyHex,
    signatureMethod: 'ECDSA-secp256r1-SHA256',
  };

  it('passes the record serial on without judging it (the domain owns the serial rule)', () => {
    const record = signOcmfRecord(payload({ MS: 'METER-9' }), meter.privateKey);
    expect(ocmfMeterVerifier.verify(record, pinned).payload.meter.serial).to.equal('METER-9');
  });

  it('refuses a record of another meter serial with METER_MISMATCH', async () => {
    const ledger = await readyLedger({
      station: { meter: meterArgs({ serial: pinned.serial, publicKey: pinned.publicKey }) },
    });
    ledger.meter = ocmfMeterVerifier;
    await ledger.submit(DRIVER, 'startSession', startArgs());
    const record = signOcmfRecord(payload({ MS: 'METER-9' }), meter.privateKey);
    await expectError(
      ledger,
      () => ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1', ocmf: [record] }),
      'METER_MISMATCH',
      { stationId: 'st-1' },
    );
  });
});
