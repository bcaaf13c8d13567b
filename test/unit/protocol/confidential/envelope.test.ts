import { expect } from 'chai';
import nacl from 'tweetnacl';
import {
  checkRequestBinding,
  extractSealedError,
  newRequestNonce,
  openRequest,
  openResponse,
  parseEnvelope,
  PROTOCOL_VERSION,
  sealRequest,
  sealResponse,
  SEALED_ERROR_PREFIX,
  submitterBinding,
  type RequestBody,
} from '../../../../chaincode/src/protocol/confidential/envelope';
import {
  boxKeyPair,
  boxSharedKey,
  secretSeal,
  sign,
  signingKeyPair,
} from '../../../../chaincode/src/protocol/confidential/primitives';
import { EcarError } from '../../../../chaincode/src/protocol/errors';

const NOW = 1_750_000_000_000;
const SUBMITTER = submitterBinding('Org1MSP', new TextEncoder().encode('client certificate'));

function body(overrides: Partial<RequestBody> = {}): RequestBody {
  return {
    v: PROTOCOL_VERSION,
    channel: 'ecar',
    chaincode: 'ecar',
    epoch: 1,
    fn: 'getBalance',
    args: { account: 'w:abc' },
    wallet: Buffer.from(wallet.publicKey).toString('base64'),
    nonce: newRequestNonce(),
    notAfter: NOW + 60_000,
    submitter: SUBMITTER,
    ...overrides,
  };
}

const wallet = signingKeyPair();
const chaincodeBox = boxKeyPair();
const receipt = signingKeyPair();

function expectCode(fn: () => unknown, code: string): EcarError {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(EcarError);
    expect((error as EcarError).code).to.equal(code);
    return error as EcarError;
  }
  throw new Error(`expected ${code}`);
}

describe('primitives', () => {
  it('derive the same box key as tweetnacl (wire-compatible with NaCl crypto_box)', () => {
    const a = nacl.box.keyPair();
    const b = boxKeyPair();
    expect(Buffer.from(boxKeyPair(a.secretKey).publicKey)).to.deep.equal(Buffer.from(a.publicKey));
    const ours = boxSharedKey(b.publicKey, a.secretKey);
    expect(Buffer.from(ours)).to.deep.equal(Buffer.from(nacl.box.before(b.publicKey, a.secretKey)));
    const nonce = new Uint8Array(24).fill(7);
    const message = new TextEncoder().encode('hello');
    expect(Buffer.from(secretSeal(ours, nonce, message))).to.deep.equal(
      Buffer.from(nacl.box(message, nonce, b.publicKey, a.secretKey)),
    );
  });

  it('sign exactly like tweetnacl Ed25519 (deterministic, so endorsers agree)', () => {
    const pair = nacl.sign.keyPair();
    const seed = pair.secretKey.subarray(0, 32);
    expect(Buffer.from(signingKeyPair(seed).publicKey)).to.deep.equal(Buffer.from(pair.publicKey));
    const message = new TextEncoder().encode('receipt');
    expect(Buffer.from(sign(seed, message))).to.deep.equal(
      Buffer.from(nacl.sign.detached(message, pair.secretKey)),
    );
  });

  it('refuse an all-zero (small-order) public key', () => {
    expect(() => boxSharedKey(new Uint8Array(32), boxKeyPair().secretKey)).to.throw(/all-zero|small/);
  });
});

describe('envelope', () => {
  describe('sealRequest / openRequest', () => {
    it('round-trips the signed body and agrees on the shared key', () => {
      const b = body();
      const { envelopeText, secrets } = sealRequest(b, wallet, chaincodeBox.publicKey);
      const opened = openRequest(parseEnvelope(envelopeText), chaincodeBox.secretKey);
      expect(opened.body).to.deep.equal(b);
      expect(Buffer.from(opened.sharedKey)).to.deep.equal(Buffer.from(secrets.sharedKey));
    });

    it('pads requests to a bucket, so small calls of different sizes look alike', () => {
      const a = sealRequest(body({ args: {} }), wallet, chaincodeBox.publicKey).envelopeText;
      const b = sealRequest(
        body({ args: { note: 'x'.repeat(100) } }),
        wallet,
        chaincodeBox.publicKey,
      ).envelopeText;
      expect((JSON.parse(a) as { ct: string }).ct.length).to.equal(
        (JSON.parse(b) as { ct: string }).ct.length,
      );
    });

    it('throws ENVELOPE_INVALID when opened with another epoch key', () => {
      const { envelopeText } = sealRequest(body(), wallet, chaincodeBox.publicKey);
      expectCode(() => openRequest(parseEnvelope(envelopeText), boxKeyPair().secretKey), 'ENVELOPE_INVALID');
    });

    it('throws ENVELOPE_INVALID for a flipped ciphertext byte', () => {
      const { envelopeText } = sealRequest(body(), wallet, chaincodeBox.publicKey);
      const env = JSON.parse(envelopeText) as { ct: string };
      const ct = Buffer.from(env.ct, 'base64');
      ct[40] = (ct[40] ?? 0) ^ 1;
      const tampered = JSON.stringify({ ...env, ct: ct.toString('base64') });
      expectCode(() => openRequest(parseEnvelope(tampered), chaincodeBox.secretKey), 'ENVELOPE_INVALID');
    });

    it('throws ENVELOPE_INVALID for a body signed by another wallet key', () => {
      const other = signingKeyPair();
      const { envelopeText } = sealRequest(body(), other, chaincodeBox.publicKey);
      const error = expectCode(
        () => openRequest(parseEnvelope(envelopeText), chaincodeBox.secretKey),
        'ENVELOPE_INVALID',
      );
      expect(error.message).to.match(/wallet signature/);
    });

    it('throws ENVELOPE_INVALID for malformed envelopes', () => {
      for (const text of [
        '',
        'null',
        '{}',
        '{"v":1,"epoch":0}',
        '{"v":2,"epoch":1,"eph":"","n":"","ct":""}',
        42,
      ]) {
        expectCode(() => parseEnvelope(text), 'ENVELOPE_INVALID');
      }
    });
  });

  describe('checkRequestBinding', () => {
    const expected = { channel: 'ecar', chaincode: 'ecar', epoch: 1, nowMs: NOW, submitter: SUBMITTER };
    it('accepts a request bound to this channel, chaincode and epoch', () => {
      expect(() => {
        checkRequestBinding(body(), expected);
      }).not.to.throw();
    });
    for (const [name, override] of [
      ['another channel', { channel: 'other' }],
      ['another chaincode', { chaincode: 'other' }],
      ['another epoch', { epoch: 2 }],
      ['an expired request', { notAfter: NOW - 1 }],
      ['a request valid too far ahead', { notAfter: NOW + 3_600_000 }],
      ['another MSP as submitter', { submitter: { ...SUBMITTER, mspId: 'Org2MSP' } }],
      [
        'another certificate as submitter',
        { submitter: submitterBinding('Org1MSP', new TextEncoder().encode('another certificate')) },
      ],
    ] as const) {
      it(`throws ENVELOPE_INVALID for ${name}`, () => {
        expectCode(() => {
          checkRequestBinding(body(override), expected);
        }, 'ENVELOPE_INVALID');
      });
    }
  });

  describe('sealResponse / openResponse', () => {
    function roundTrip() {
      const { envelopeText, secrets } = sealRequest(body(), wallet, chaincodeBox.publicKey);
      const opened = openRequest(parseEnvelope(envelopeText), chaincodeBox.secretKey);
      const context = {
        sharedKey: opened.sharedKey,
        envelopeText,
        txId: 'tx1',
        epoch: 1,
        receiptSeed: receipt.seed,
      };
      return { secrets, context };
    }

    it('is byte-identical in two enclaves for the same transaction (endorsements match)', () => {
      const { context } = roundTrip();
      const a = sealResponse({ ok: true, result: { balance: '12' } }, context);
      const b = sealResponse({ ok: true, result: { balance: '12' } }, { ...context });
      expect(a).to.equal(b);
    });

    it('opens for the client after the receipt verifies', () => {
      const { secrets, context } = roundTrip();
      const text = sealResponse({ ok: true, result: { balance: '12' } }, context);
      const payload = openResponse(text, {
        secrets,
        txId: 'tx1',
        receiptPublicKey: receipt.publicKey,
        epoch: 1,
      });
      expect(payload).to.deep.equal({ ok: true, result: { balance: '12' } });
    });

    it('throws ENVELOPE_INVALID when the receipt is from another key', () => {
      const { secrets, context } = roundTrip();
      const text = sealResponse({ ok: true, result: null }, context);
      expectCode(
        () =>
          openResponse(text, {
            secrets,
            txId: 'tx1',
            receiptPublicKey: signingKeyPair().publicKey,
            epoch: 1,
          }),
        'ENVELOPE_INVALID',
      );
    });

    it('throws ENVELOPE_INVALID when the answer is replayed for another transaction', () => {
      const { secrets, context } = roundTrip();
      const text = sealResponse({ ok: true, result: null }, context);
      expectCode(
        () => openResponse(text, { secrets, txId: 'tx2', receiptPublicKey: receipt.publicKey, epoch: 1 }),
        'ENVELOPE_INVALID',
      );
    });

    it('carries a sealed error that can be found inside a relayed error message', () => {
      const { secrets, context } = roundTrip();
      const text = sealResponse({ ok: false, code: 'INSUFFICIENT_FUNDS', message: 'top up first' }, context);
      const relayed = `10 ABORTED: failed to endorse: chaincode response 500, ${SEALED_ERROR_PREFIX}${text} (peer0)`;
      const found = extractSealedError(relayed);
      expect(found).to.equal(text);
      const payload = openResponse(found!, {
        secrets,
        txId: 'tx1',
        receiptPublicKey: receipt.publicKey,
        epoch: 1,
      });
      expect(payload).to.deep.equal({ ok: false, code: 'INSUFFICIENT_FUNDS', message: 'top up first' });
      expect(relayed).not.to.include('top up first');
    });
  });
});
