// What real meters write differently from the OCMF examples, and what the parser tolerates when the
// signature holds; and what it still refuses, with a specific reason, in bounded time.
import { createPublicKey, sign as cryptoSign, ECDH } from 'node:crypto';
import { expect } from 'chai';
import {
  assessBilling,
  CURVE_NAMES,
  CURVES,
  formatExact,
  MAX_RECORD_LENGTH,
  ocmfMeterVerifier,
  pairReadings,
  parseExactJson,
  readingValue,
  signOcmfRecord,
  verifyOcmfRecord,
  type CurveName,
} from '../../../../chaincode/src/protocol/ocmf';
import { testMeter } from './builders';
import { expectEcarError } from './errors';

const READINGS =
  '"RD":[{"TM":"2024-05-01T10:00:00,000+0200 S","TX":"B","RV":RV_B,"RI":"1-b:1.8.0","RU":"kWh","ST":"G"},' +
  '{"TM":"2024-05-01T10:30:00,000+0200 S","TX":"E","RV":RV_E,"RI":"1-b:1.8.0","RU":"kWh","ST":"G"}]';

/** A signed transaction record whose payload is exactly `head` + readings with the given RV texts. */
function payloadText(head: string, begin = '100.000', end = '101.250'): string {
  return `{${head}${READINGS.replace('RV_B', begin).replace('RV_E', end)}}`;
}

const HEAD = '"FV":"1.0","PG":"T10","MS":"METER-1","IS":true,"IT":"ISO14443",';

/** Signs the exact text with the test meter of the curve and writes the signature section as given. */
function signRaw(text: string, curve: CurveName, section: (der: Buffer, p1363: Buffer) => object): string {
  const meter = testMeter(curve);
  const data = Buffer.from(text, 'utf8');
  const der = cryptoSign('sha256', data, { key: meter.privateKey, dsaEncoding: 'der' });
  const p1363 = cryptoSign('sha256', data, { key: meter.privateKey, dsaEncoding: 'ieee-p1363' });
  return `OCMF|${text}|${JSON.stringify(section(der, p1363))}`;
}

function point(curve: CurveName, form: 'uncompressed' | 'compressed'): Buffer {
  // The SPKI ends with the uncompressed point 04||X||Y.
  const spki = Buffer.from(testMeter(curve).publicKeyHex, 'hex');
  const full = spki.subarray(spki.length - 1 - 2 * CURVES[curve].fieldBytes);
  if (form === 'uncompressed') return full;
  return ECDH.convertKey(full, CURVES[curve].nodeName, undefined, undefined, 'compressed') as Buffer;
}

describe('verifyOcmfRecord tolerances', () => {
  describe('numbers and fields', () => {
    it('reads RV written as a JSON string, padded with zeros, exactly as a JSON number', () => {
      const record = signOcmfRecord(payloadText(HEAD, '"0000100.000"', '"101.25"'), testMeter().privateKey);
      const pair = pairReadings(verifyOcmfRecord(record, testMeter().publicKey));
      expect(formatExact(pair.energyWh)).to.equal('1250');
      expect(pair.begin.reading.value?.text).to.equal('0000100.000');
    });

    it('keeps values finer than 1 mWh exactly and rounds the pair once, down, in energyMilliWh', () => {
      // 0.6 mWh to 1234.5 mWh: 1233.9 mWh exactly; rounding each reading first would give 1234.
      const record = signOcmfRecord(payloadText(HEAD, '0.0000006', '0.0012345'), testMeter().privateKey);
      const pair = pairReadings(verifyOcmfRecord(record, testMeter().publicKey));
      expect(formatExact(pair.energyWh)).to.equal('1.2339');
      expect(pair.energyMilliWh).to.equal(1233n);
      expect(pair.end.reading.value?.milliWh).to.equal(undefined);
    });

    it('settles a sub-mWh pair through the chaincode port exactly, rounded down once (never per reading)', () => {
      const meter = testMeter();
      const record = signOcmfRecord(payloadText(HEAD, '0.0000006', '0.0012345'), meter.privateKey);
      const pinned = {
        vendor: 'ecar',
        model: 'test',
        serial: 'METER-1',
        publicKey: meter.publicKeyHex,
        signatureMethod: 'ECDSA-secp256r1-SHA256',
      };
      const { pair } = assessBilling(ocmfMeterVerifier.verify(record, pinned), undefined);
      expect(formatExact(pair.energyWh)).to.equal('1.2339');
      expect(pair.energyMilliWh).to.equal(1233n);
    });

    it('reads numbers in text fields (FV 1.0, CT 0) as their source text', () => {
      const record = signOcmfRecord(
        payloadText('"FV":1.0,"PG":"T2","MS":"M","CT":0,"CI":"DE*EBW*1","IS":false,'),
        testMeter().privateKey,
      );
      const payload = verifyOcmfRecord(record, testMeter().publicKey).payload;
      expect(payload.formatVersion).to.equal('1.0');
      expect(payload.chargePoint).to.deep.equal({ type: '0', id: 'DE*EBW*1' });
    });

    it('accepts a record without IS, and IS without IT, claiming no identification type', () => {
      for (const head of ['"PG":"T3","MS":"M",', '"PG":"T3","MS":"M","IS":false,']) {
        const record = signOcmfRecord(payloadText(head), testMeter().privateKey);
        expect(verifyOcmfRecord(record, testMeter().publicKey).payload.identification?.type).to.equal(
          undefined,
        );
      }
    });

    it('accepts any JSON spacing, since the signature covers the bytes as written', () => {
      const spaced = payloadText(HEAD).replace(/":/g, '" : ').replace(/,"/g, ' ,\n\t"');
      const record = signOcmfRecord(spaced, testMeter().privateKey);
      expect(pairReadings(verifyOcmfRecord(record, testMeter().publicKey)).energyMilliWh).to.equal(
        1_250_000n,
      );
    });
  });

  describe('signatures and keys', () => {
    for (const curve of CURVE_NAMES) {
      it(`verifies ${curve} with DER or raw r||s, hex or base64, and SPKI, PEM, 04||X||Y, compressed or X||Y keys`, () => {
        const text = payloadText(HEAD);
        const sa = `ECDSA-${curve.startsWith('brainpool') ? curve.replace('P', '') : curve}-SHA256`;
        const records = [
          signRaw(text, curve, (der) => ({ SA: sa, SD: der.toString('hex') })),
          signRaw(text, curve, (der) => ({ SA: sa, SE: 'base64', SD: der.toString('base64') })),
          signRaw(text, curve, (_der, raw) => ({ SA: sa, SD: raw.toString('hex').toUpperCase() })),
          signRaw(text, curve, (_der, raw) => ({ SA: sa, SE: 'BASE64', SD: raw.toString('base64') })),
        ];
        const meter = testMeter(curve);
        const full = point(curve, 'uncompressed');
        const keys = [
          meter.publicKeyHex,
          meter.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
          full.toString('hex'),
          point(curve, 'compressed').toString('hex'),
          full.subarray(1).toString('hex'),
          Buffer.from(meter.publicKeyHex, 'hex').toString('base64'),
        ];
        for (const record of records) {
          for (const key of keys) {
            const verified = verifyOcmfRecord(record, key);
            expect(verified.signature.method.curve.name).to.equal(curve);
            expect(verified.publicKey.fingerprint).to.match(/^[0-9A-F]{64}$/);
          }
        }
      });
    }

    it('takes the curve from the key when SA is absent and the key names another curve', () => {
      const record = signRaw(payloadText(HEAD), 'secp192r1', (der) => ({ SD: der.toString('hex') }));
      expect(verifyOcmfRecord(record, testMeter('secp192r1').publicKeyHex).signature.method.id).to.equal(
        'ECDSA-secp192r1-SHA256',
      );
    });

    it('accepts base64 without its padding', () => {
      const record = signRaw(payloadText(HEAD), 'secp256r1', (der) => ({
        SE: 'base64',
        SD: der.toString('base64').replace(/=+$/, ''),
      }));
      expect(verifyOcmfRecord(record, testMeter().publicKey).signature.form).to.equal('der');
    });

    it('still refuses a raw r||s signature that does not match, as METER_SIGNATURE_INVALID', () => {
      const record = signRaw(payloadText(HEAD), 'secp256r1', (_der, raw) => {
        raw[5] = (raw[5] ?? 0) ^ 1;
        return { SD: raw.toString('hex') };
      });
      expectEcarError(() => verifyOcmfRecord(record, testMeter().publicKey), 'METER_SIGNATURE_INVALID');
    });

    it('refuses a bare point of another length than the curve with METER_KEY_INVALID', () => {
      const record = signOcmfRecord(payloadText(HEAD), testMeter().privateKey);
      const short = point('secp256r1', 'uncompressed').subarray(1, 40).toString('hex');
      expectEcarError(() => verifyOcmfRecord(record, short), 'METER_KEY_INVALID');
    });

    it('refuses X||Y that is not a point on the curve with METER_KEY_INVALID', () => {
      const record = signOcmfRecord(payloadText(HEAD), testMeter().privateKey);
      expectEcarError(() => verifyOcmfRecord(record, '11'.repeat(64)), 'METER_KEY_INVALID');
    });

    it('uses one key object for the same key in any form', () => {
      const meter = testMeter('brainpoolP256r1');
      const spki = Buffer.from(meter.publicKeyHex, 'hex');
      expect(createPublicKey({ key: spki, format: 'der', type: 'spki' }).equals(meter.publicKey)).to.equal(
        true,
      );
    });
  });
});

describe('hostile OCMF records', () => {
  const refusals: [string, () => unknown][] = [
    [
      'a record over the length limit',
      () => verifyOcmfRecord(`OCMF|{"a":"${'x'.repeat(MAX_RECORD_LENGTH)}"}|{}`, testMeter().publicKey),
    ],
    ['deeply nested JSON', () => parseExactJson('['.repeat(100_000) + ']'.repeat(100_000), 'test')],
    [
      'a signature that is not hex',
      () => verifyOcmfRecord(`OCMF|{}|{"SD":"${'zz'.repeat(40)}"}`, testMeter().publicKey),
    ],
    ['a signature of odd hex length', () => verifyOcmfRecord('OCMF|{}|{"SD":"304"}', testMeter().publicKey)],
    ['a value of a thousand digits', () => readingValue('9'.repeat(1000), 'kWh')],
    ['a value with a huge exponent', () => readingValue('1e999999999', 'Wh')],
    ['a string value that is not a number', () => readingValue('12,5', 'kWh')],
  ];
  for (const [what, run] of refusals) {
    it(`refuses ${what} with METER_FORMAT_INVALID`, () => {
      expectEcarError(run, 'METER_FORMAT_INVALID');
    });
  }
});
