// Every deterministic sealing site of the protocol: one (key, nonce) pair never seals two different
// plaintexts, even when everything a peer can choose (transaction id, request, key) stays the same;
// and the same inputs give the same bytes (so every endorser seals identically).
import { expect } from 'chai';
import { sealResponse, type ResponsePayload } from '../../../../chaincode/src/protocol/confidential/envelope';
import { fromB64 } from '../../../../chaincode/src/protocol/confidential/encoding';
import { extendBundle, wrapBundle } from '../../../../chaincode/src/protocol/confidential/key-record';
import {
  boxKeyPair,
  randomBytes,
  signingKeyPair,
} from '../../../../chaincode/src/protocol/confidential/primitives';
import { parseSealedValue, sealValue } from '../../../../chaincode/src/protocol/confidential/sealed-state';

/** Records (key, nonce) → plaintext and fails on a second plaintext under one pair. */
class NonceLedger {
  readonly #seen = new Map<string, string>();

  record(key: Uint8Array, nonce: Uint8Array, plaintext: string): void {
    const pair = `${Buffer.from(key).toString('hex')}/${Buffer.from(nonce).toString('hex')}`;
    const earlier = this.#seen.get(pair);
    if (earlier !== undefined) {
      expect(plaintext, `two plaintexts sealed under one (key, nonce): ${earlier} / ${plaintext}`).to.equal(
        earlier,
      );
    }
    this.#seen.set(pair, plaintext);
  }

  get size(): number {
    return this.#seen.size;
  }
}

const answers: ResponsePayload[] = [
  { ok: true, result: { purchased: '100000', earned: '0' } },
  { ok: true, result: { purchased: '99999', earned: '0' } },
  { ok: false, code: 'NOT_INITIALIZED', message: 'the ledger is not initialized' },
  { ok: false, code: 'INSUFFICIENT_FUNDS', message: 'not enough', details: { available: '5' } },
  { ok: true, result: null },
];

describe('sealing sites', () => {
  describe('sealResponse (answers)', () => {
    const sharedKey = randomBytes(32);
    const receiptSeed = signingKeyPair().seed;
    const context = { sharedKey, envelopeText: '{"v":2}', txId: 'tx-same', epoch: 1, receiptSeed };

    it('seals different answers to one request and transaction id under different nonces', () => {
      const ledger = new NonceLedger();
      for (const payload of answers) {
        const sealed = JSON.parse(sealResponse(payload, context)) as { n: string };
        ledger.record(sharedKey, fromB64(sealed.n, 'n', 'INTERNAL', 24), JSON.stringify(payload));
      }
      expect(ledger.size).to.equal(answers.length);
    });

    it('seals the same answer identically (every endorser agrees)', () => {
      const [first] = answers;
      if (first === undefined) throw new Error('no answer');
      expect(sealResponse(first, context)).to.equal(sealResponse(first, context));
    });

    it('gives another nonce for another transaction id or request with the same answer', () => {
      const [first] = answers;
      if (first === undefined) throw new Error('no answer');
      const nonces = new Set(
        [context, { ...context, txId: 'tx-other' }, { ...context, envelopeText: '{"v":2,"x":1}' }].map(
          (c) => (JSON.parse(sealResponse(first, c)) as { n: string }).n,
        ),
      );
      expect(nonces.size).to.equal(3);
    });
  });

  describe('sealValue (state)', () => {
    const stateKey = randomBytes(32);
    const base = { logicalKey: 'account/w:1', txId: 'tx-same', epoch: 1, stateKey };

    it('seals different values under one key and transaction id under different nonces', () => {
      const ledger = new NonceLedger();
      for (let i = 0; i < 50; i += 1) {
        const value = { balance: String(i) };
        const sealed = parseSealedValue(sealValue(value, base));
        ledger.record(stateKey, sealed.nonce, JSON.stringify(value));
      }
      expect(ledger.size).to.equal(50);
    });

    it('seals the same value identically and another logical key under another nonce', () => {
      const value = { balance: '1' };
      expect(Buffer.from(sealValue(value, base))).to.deep.equal(Buffer.from(sealValue(value, base)));
      const a = parseSealedValue(sealValue(value, base)).nonce;
      const b = parseSealedValue(sealValue(value, { ...base, logicalKey: 'account/w:2' })).nonce;
      expect(Buffer.from(a)).to.not.deep.equal(Buffer.from(b));
    });
  });

  describe('wrapBundle (key wraps)', () => {
    const recipient = { enclave: 'ab'.repeat(32), boxPublicKey: boxKeyPair().publicKey };

    it('wraps different bundles to one recipient under different nonces, the same bundle identically', () => {
      const ledger = new NonceLedger();
      let bundle = extendBundle(undefined).bundle;
      for (let epoch = 1; epoch <= 4; epoch += 1) {
        const wrap = wrapBundle(bundle, recipient, epoch);
        expect(wrapBundle(bundle, recipient, epoch)).to.deep.equal(wrap);
        ledger.record(
          fromB64(wrap.eph, 'eph', 'INTERNAL', 32),
          fromB64(wrap.n, 'n', 'INTERNAL', 24),
          wrap.ct,
        );
        bundle = extendBundle(bundle).bundle;
      }
      expect(ledger.size).to.equal(4);
    });
  });
});
