// verifyOcmfRecord and signOcmfRecord: round trips on every curve, key forms, and refusals.
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import {
  CURVE_NAMES,
  meterPublicKeyHex,
  ocmfMeterVerifier,
  parseMeterPublicKey,
  signOcmfRecord,
  verifyOcmfRecord,
} from '../../../../chaincode/src/protocol/ocmf';
import { payload, reading, testMeter } from './builders';
import { expectEcarError } from './errors';

describe('signOcmfRecord', () => {
  describe('round trip with verifyOcmfRecord', () => {
    for (const curve of CURVE_NAMES) {
      it(`signs a record on ${curve} that verifies and names the OCMF method of that curve`, () => {
        const meter = testMeter(curve);
        const record = signOcmfRecord(payload(), meter.privateKey);
        const verified = verifyOcmfRecord(record, meter.publicKeyHex);
        expect(verified.signature.method.curve.name).to.equal(curve);
        expect(verified.payload.meter.serial).to.equal('METER-1');
        expect(verified.payload.readings.map((r) => r.value?.milliWh)).to.deep.equal([
          100_000_000n,
          101_250_000n,
        ]);
      });
    }

    it('writes base64 signature data with SE when asked and the verifier decodes it', () => {
      const meter = testMeter('secp256r1');
      const record = signOcmfRecord(payload(), meter.privateKey, { encoding: 'base64' });
      expect(record).to.contain('"SE":"base64"');
      expect(verifyOcmfRecord(record, meter.publicKey).signature.encoding).to.equal('base64');
    });

    it('leaves SA out for secp256r1 when asked, relying on the OCMF default', () => {
      const meter = testMeter('secp256r1');
      const record = signOcmfRecord(payload(), meter.privateKey, { omitDefaultAlgorithm: true });
      expect(record).not.to.contain('"SA"');
      expect(verifyOcmfRecord(record, meter.publicKey).signature.method.id).to.equal(
        'ECDSA-secp256r1-SHA256',
      );
    });

    it('writes RV as the exact JSON number it was given', () => {
      const record = signOcmfRecord(payload({ RD: [reading({ RV: '2935.600' })] }), testMeter().privateKey);
      expect(record).to.contain('"RV":2935.600,');
    });
  });

  describe('argument checks', () => {
    it('throws INVALID_ARGUMENT for an Ed25519 key', () => {
      const { privateKey } = generateKeyPairSync('ed25519');
      expectEcarError(() => signOcmfRecord(payload(), privateKey), 'INVALID_ARGUMENT');
    });

    it('throws INVALID_ARGUMENT for an RV that is not a plain decimal', () => {
      expectEcarError(
        () => signOcmfRecord(payload({ RD: [reading({ RV: '1,5' })] }), testMeter().privateKey),
        'INVALID_ARGUMENT',
      );
    });

    it("throws INVALID_ARGUMENT for a payload containing '|'", () => {
      expectEcarError(
        () => signOcmfRecord(payload({ ID: 'a|b' }), testMeter().privateKey),
        'INVALID_ARGUMENT',
      );
    });
  });
});

describe('verifyOcmfRecord', () => {
  const meter = testMeter('secp256r1');
  const record = signOcmfRecord(payload(), meter.privateKey);

  describe('keys', () => {
    it('accepts the key as hex, base64, PEM, KeyObject and bare uncompressed point', () => {
      const spki = Buffer.from(meter.publicKeyHex, 'hex');
      const point = meter.publicKey.export({ format: 'jwk' });
      const raw = Buffer.concat([
        Buffer.of(4),
        Buffer.from(point.x ?? '', 'base64url'),
        Buffer.from(point.y ?? '', 'base64url'),
      ]);
      const forms = [
        meter.publicKeyHex,
        meter.publicKeyHex.toUpperCase().replace(/(..)/g, '$1 '),
        spki.toString('base64'),
        meter.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
        meter.publicKey,
        raw.toString('hex'),
        new Uint8Array(raw),
      ];
      for (const key of forms) expect(verifyOcmfRecord(record, key).payload.pagination.text).to.equal('T10');
    });

    it('reads a bare point with the curve of the signature method into the same SPKI as the DER key', () => {
      const secp192k1 = testMeter('secp192k1');
      const jwkless = secp192k1.publicKey.export({ format: 'der', type: 'spki' });
      const point = jwkless.subarray(jwkless.length - 49);
      const parsed = parseMeterPublicKey(new Uint8Array(point), 'secp192k1');
      expect(meterPublicKeyHex(parsed)).to.equal(secp192k1.publicKeyHex.toUpperCase());
    });

    it('throws METER_KEY_INVALID for a bare point without a curve', () => {
      expectEcarError(() => parseMeterPublicKey(new Uint8Array(65).fill(4)), 'METER_KEY_INVALID');
    });

    it('throws METER_SIGNATURE_INVALID for the key of another meter on the same curve', () => {
      const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey;
      expectEcarError(() => verifyOcmfRecord(record, other), 'METER_SIGNATURE_INVALID');
    });

    it('throws METER_KEY_INVALID for a key on another curve than the signature method', () => {
      const error = expectEcarError(
        () => verifyOcmfRecord(record, testMeter('secp384r1').publicKey),
        'METER_KEY_INVALID',
      );
      expect(error.details).to.include({ keyCurve: 'secp384r1', signatureMethod: 'ECDSA-secp256r1-SHA256' });
    });

    it('throws METER_KEY_INVALID for a key on a curve OCMF does not define', () => {
      const p521 = generateKeyPairSync('ec', { namedCurve: 'secp521r1' }).publicKey;
      expectEcarError(() => verifyOcmfRecord(record, p521), 'METER_KEY_INVALID');
    });

    it('throws METER_KEY_INVALID for an SPKI whose BIT STRING claims unused bits, which OpenSSL imports', () => {
      // OpenSSL clears the claimed unused bits and imports the key when they were 0 (an even last byte).
      let even = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      while ((even.publicKey.export({ format: 'der', type: 'spki' }).at(-1) ?? 1) % 2 !== 0) {
        even = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      }
      const signed = signOcmfRecord(payload(), even.privateKey);
      const spki = even.publicKey.export({ format: 'der', type: 'spki' });
      const unusedBitsAt = spki.length - 66; // before the 65-byte uncompressed point
      expect(spki[unusedBitsAt]).to.equal(0);
      const claimed = Buffer.from(spki);
      claimed[unusedBitsAt] = 1;
      expect(() => createPublicKey({ key: claimed, format: 'der', type: 'spki' })).not.to.throw();
      const pem = `-----BEGIN PUBLIC KEY-----\n${claimed.toString('base64')}\n-----END PUBLIC KEY-----`;
      for (const key of [claimed.toString('hex'), claimed.toString('base64'), pem, new Uint8Array(claimed)]) {
        expectEcarError(() => verifyOcmfRecord(signed, key), 'METER_KEY_INVALID');
      }
      expect(verifyOcmfRecord(signed, spki.toString('hex')).payload.pagination.text).to.equal('T10');
    });

    it('throws METER_KEY_INVALID for an SPKI with trailing bytes', () => {
      expectEcarError(() => verifyOcmfRecord(record, `${meter.publicKeyHex}00`), 'METER_KEY_INVALID');
    });

    it('throws METER_KEY_INVALID for garbage key text and for a missing key', () => {
      expectEcarError(() => verifyOcmfRecord(record, 'not a key!'), 'METER_KEY_INVALID');
      expectEcarError(() => verifyOcmfRecord(record, '30460210'), 'METER_KEY_INVALID');
      expectEcarError(() => verifyOcmfRecord(record, undefined), 'METER_KEY_INVALID');
    });
  });

  describe('tampering', () => {
    it('throws METER_SIGNATURE_INVALID when one payload byte is flipped', () => {
      const at = record.indexOf('101.250');
      const flipped = `${record.slice(0, at)}101.251${record.slice(at + 7)}`;
      expectEcarError(() => verifyOcmfRecord(flipped, meter.publicKey), 'METER_SIGNATURE_INVALID');
    });

    it('throws METER_SIGNATURE_INVALID when white space is added inside the payload', () => {
      const spaced = record.replace('{"FV"', '{ "FV"');
      expectEcarError(() => verifyOcmfRecord(spaced, meter.publicKey), 'METER_SIGNATURE_INVALID');
    });

    it('accepts white space around the whole record', () => {
      expect(verifyOcmfRecord(`\n  ${record}\n`, meter.publicKey).payload.meter.serial).to.equal('METER-1');
    });

    it('throws METER_SIGNATURE_INVALID for a signature that is not DER', () => {
      const broken = record.replace(/"SD":"[0-9A-F]+"/, '"SD":"0102"');
      expectEcarError(() => verifyOcmfRecord(broken, meter.publicKey), 'METER_SIGNATURE_INVALID');
    });
  });

  describe('format', () => {
    const cases: [string, string][] = [
      ['an empty string', ''],
      ['garbage', 'hello world'],
      ['a record without signature section', 'OCMF|{"PG":"T1"}'],
      ['another header', record.replace(/^OCMF/, 'XCMF')],
      ['a truncated record', record.slice(0, record.length - 20)],
      ['a signature section that is not JSON', record.replace(/\|\{"SA".*$/, '|SD=00')],
      ['an unknown signature algorithm', record.replace('ECDSA-secp256r1-SHA256', 'RSA-2048-SHA256')],
      ['an unknown signature encoding', record.replace('"SD"', '"SE":"base32","SD"')],
      ['signature data that is not hex', record.replace(/"SD":"[0-9A-F]+"/, '"SD":"XYZ"')],
    ];
    for (const [what, text] of cases) {
      it(`throws METER_FORMAT_INVALID for ${what}`, () => {
        expectEcarError(() => verifyOcmfRecord(text, meter.publicKey), 'METER_FORMAT_INVALID');
      });
    }

    it('throws METER_FORMAT_INVALID for a correctly signed payload that is not valid JSON', () => {
      const signed = signOcmfRecord('{"PG":"T1",', meter.privateKey);
      expectEcarError(() => verifyOcmfRecord(signed, meter.publicKey), 'METER_FORMAT_INVALID');
    });

    // [what is missing, the field the error names, payload overrides]
    const missing: [string, string, Partial<Parameters<typeof payload>[0]>][] = [
      ['PG', 'PG', { PG: undefined as unknown as string }],
      ['MS and GS', 'MS', { MS: undefined, GS: undefined }],
      ['RD', 'RD', { RD: [] }],
      ['TM of the first reading', 'TM', { RD: [reading({ TM: undefined })] }],
      ['ST of the first reading', 'ST', { RD: [reading({ ST: undefined })] }],
      ['RU of a reading with a value', 'RU', { RD: [reading({ RU: undefined })] }],
    ];
    for (const [what, field, overrides] of missing) {
      it(`throws METER_FORMAT_INVALID naming ${field} when a signed record lacks ${what}`, () => {
        const signed = signOcmfRecord(payload(overrides), meter.privateKey);
        const error = expectEcarError(
          () => verifyOcmfRecord(signed, meter.publicKey),
          'METER_FORMAT_INVALID',
        );
        expect(error.details.field).to.equal(field);
      });
    }

    const wrong: [string, Partial<Parameters<typeof payload>[0]>][] = [
      ['an unknown TX', { RD: [reading({ TX: 'Q' })] }],
      ['an unknown unit', { RD: [reading({ RU: 'furlong' })] }],
      ['an unknown meter state', { RD: [reading({ ST: 'Z' })] }],
      ['an impossible date', { RD: [reading({ TM: '2024-02-30T10:00:00,000+0000 S' })] }],
      ['a time without synchronisation state', { RD: [reading({ TM: '2024-02-01T10:00:00,000+0000' })] }],
      ['pagination with leading zeros', { PG: 'T012' }],
      ['a reading value of more than 40 digits', { RD: [reading({ RV: '1'.repeat(41) })] }],
      ['a negative energy reading', { RD: [reading({ RV: '-1.5' })] }],
    ];
    for (const [what, overrides] of wrong) {
      it(`throws METER_FORMAT_INVALID for a signed record with ${what}`, () => {
        const signed = signOcmfRecord(payload(overrides), meter.privateKey);
        expectEcarError(() => verifyOcmfRecord(signed, meter.publicKey), 'METER_FORMAT_INVALID');
      });
    }

    it('throws METER_FORMAT_INVALID for duplicate keys in the payload', () => {
      const signed = signOcmfRecord(
        '{"PG":"T1","PG":"T2","MS":"M","IS":false,"IT":"NONE","RD":[]}',
        meter.privateKey,
      );
      expectEcarError(() => verifyOcmfRecord(signed, meter.publicKey), 'METER_FORMAT_INVALID');
    });
  });
});

describe('ocmfMeterVerifier', () => {
  const meter = testMeter('secp256r1');
  const pinned = {
    vendor: 'ecar',
    model: 'test',
    serial: 'METER-1',
    publicKey: meter.publicKeyHex,
    signatureMethod: 'ECDSA-secp256r1-SHA256',
  };

  describe('verify', () => {
    it('returns the signed payload, the key and the payload hash of a record of the pinned meter', () => {
      const record = signOcmfRecord(payload(), meter.privateKey);
      const verified = ocmfMeterVerifier.verify(record, pinned);
      expect(verified.payload.meter.serial).to.equal('METER-1');
      expect(verified.payload.pagination.text).to.equal('T10');
      expect(verified.payload.readings.map((r) => [r.transaction, r.value?.milliWh])).to.deep.equal([
        ['B', 100_000_000n],
        ['E', 101_250_000n],
      ]);
      expect(Buffer.from(verified.publicKey.spki).toString('hex')).to.equal(meter.publicKeyHex);
      const payloadText = record.slice('OCMF|'.length, record.lastIndexOf('|'));
      expect(verified.payloadHash).to.equal(createHash('sha256').update(payloadText, 'utf8').digest('hex'));
    });

    it('passes readings with a meter error on unjudged: the billing rules refuse them at settlement', () => {
      const draft = payload({ RD: [reading({ ST: 'E' }), reading({ TX: 'E', RV: '101', ST: 'E' })] });
      const verified = ocmfMeterVerifier.verify(signOcmfRecord(draft, meter.privateKey), pinned);
      expect(verified.payload.readings.map((r) => r.status)).to.deep.equal(['E', 'E']);
    });

    it('throws METER_KEY_INVALID when the meter is pinned with another signature method', () => {
      const record = signOcmfRecord(payload(), meter.privateKey);
      const other = { ...pinned, signatureMethod: 'ECDSA-secp384r1-SHA256' };
      expectEcarError(() => ocmfMeterVerifier.verify(record, other), 'METER_KEY_INVALID');
    });
  });
});
