import { expect } from 'chai';
import {
  enclaveIdOf,
  extendBundle,
  epochPublicKeys,
  lineageOf,
  makeKeyRecord,
  makeVoucher,
  parseKeyRecord,
  unwrapBundle,
  verifyKeyRecord,
  verifyVoucher,
  wrapBundle,
} from '../../../../chaincode/src/protocol/confidential/key-record';
import { boxKeyPair, signingKeyPair } from '../../../../chaincode/src/protocol/confidential/primitives';
import {
  openValue,
  parseSealedValue,
  pseudonymKey,
  pseudonymPrefix,
  sealValue,
} from '../../../../chaincode/src/protocol/confidential/sealed-state';
import { EcarError } from '../../../../chaincode/src/protocol/errors';

const nameKey = new Uint8Array(32).fill(1);
const stateKey = new Uint8Array(32).fill(2);

describe('sealed state', () => {
  describe('pseudonymKey / pseudonymPrefix', () => {
    it('keeps range reads: a key under a logical prefix is under the pseudonym prefix', () => {
      const key = pseudonymKey(nameKey, 'hold/w:alice/s:42');
      expect(key.slice(0, pseudonymPrefix(nameKey, 'hold/').length)).to.equal(
        pseudonymPrefix(nameKey, 'hold/'),
      );
      expect(key.slice(0, pseudonymPrefix(nameKey, 'hold/w:alice/').length)).to.equal(
        pseudonymPrefix(nameKey, 'hold/w:alice/'),
      );
      expect(key.slice(0, pseudonymPrefix(nameKey, 'hold/w:bob/').length)).to.not.equal(
        pseudonymPrefix(nameKey, 'hold/w:bob/'),
      );
    });

    it('reveals no logical name', () => {
      const key = pseudonymKey(nameKey, 'account/w:alice');
      expect(key).to.match(/^s\/[A-Za-z0-9_-]{22}\/[A-Za-z0-9_-]{22}$/);
      expect(key).not.to.include('alice');
      expect(key).not.to.equal(pseudonymKey(new Uint8Array(32).fill(9), 'account/w:alice'));
    });

    it('refuses a range prefix that does not end at a segment boundary', () => {
      expect(() => pseudonymPrefix(nameKey, 'hold/w:al')).to.throw(EcarError);
    });
  });

  describe('sealValue / openValue', () => {
    const context = { logicalKey: 'account/w:alice', txId: 'tx1', epoch: 3, stateKey };

    it('is deterministic per (transaction, key) and opens to the value', () => {
      const a = sealValue({ purchased: '100' }, context);
      expect(Buffer.from(a)).to.deep.equal(Buffer.from(sealValue({ purchased: '100' }, context)));
      expect(parseSealedValue(a).epoch).to.equal(3);
      expect(openValue(parseSealedValue(a), { logicalKey: 'account/w:alice', stateKey })).to.deep.equal({
        value: { purchased: '100' },
        writtenBy: 'tx1',
      });
      expect(Buffer.from(a).toString()).not.to.include('100');
    });

    it('throws when a ciphertext is moved under another key (swap)', () => {
      const sealed = sealValue({ purchased: '100' }, context);
      expect(() =>
        openValue(parseSealedValue(sealed), { logicalKey: 'account/w:mallory', stateKey }),
      ).to.throw(/swapped/);
    });

    it('throws with another state key', () => {
      const sealed = sealValue({ purchased: '100' }, context);
      expect(() =>
        openValue(parseSealedValue(sealed), { logicalKey: 'account/w:alice', stateKey: nameKey }),
      ).to.throw(/does not open/);
    });
  });
});

describe('key records', () => {
  const creatorSign = signingKeyPair();
  const creatorBox = boxKeyPair();
  const creator = enclaveIdOf(creatorSign.publicKey);
  const peerSign = signingKeyPair();
  const peerBox = boxKeyPair();
  const peer = enclaveIdOf(peerSign.publicKey);

  function record() {
    const { bundle, epoch } = extendBundle(undefined);
    const secrets = bundle.epochs.get(epoch)!;
    const wrap = wrapBundle(bundle, { enclave: peer, boxPublicKey: peerBox.publicKey }, epoch);
    const rec = makeKeyRecord(
      {
        channel: 'ecar',
        chaincode: 'ecar',
        keys: epochPublicKeys(epoch, secrets),
        creator,
        lineage: lineageOf(bundle.nameKey),
        wraps: [wrap],
      },
      creatorSign.seed,
    );
    return { bundle, rec, wrap };
  }

  it('delivers the bundle only to the enclave it was wrapped for', () => {
    const { bundle, wrap } = record();
    const opened = unwrapBundle(wrap, peerBox.secretKey);
    expect(Buffer.from(opened.nameKey)).to.deep.equal(Buffer.from(bundle.nameKey));
    expect(() => unwrapBundle(wrap, boxKeyPair().secretKey)).to.throw(EcarError);
    expect(() => unwrapBundle(wrap, creatorBox.secretKey)).to.throw(EcarError);
  });

  it('wraps byte-identically for the same bundle, recipient and epoch, and differently otherwise', () => {
    const { bundle, wrap } = record();
    const recipient = { enclave: peer, boxPublicKey: peerBox.publicKey };
    expect(wrapBundle(bundle, recipient, 1)).to.deep.equal(wrap);
    const other = wrapBundle(bundle, { enclave: creator, boxPublicKey: creatorBox.publicKey }, 1);
    expect(other.eph).to.not.equal(wrap.eph);
    expect(other.n).to.not.equal(wrap.n);
    const rotated = extendBundle(bundle);
    const next = wrapBundle(rotated.bundle, recipient, 2);
    expect(next.n).to.not.equal(wrap.n);
    expect(wrapBundle(rotated.bundle, recipient, 1)).to.deep.equal(wrap, 'epoch 1 of the rotated bundle');
    expect(wrap.from).to.equal(lineageOf(bundle.nameKey)).and.to.not.equal(peer);
  });

  it('throws KEYS_UNAVAILABLE when a wrap names another epoch or lineage than it holds', () => {
    const { wrap } = record();
    for (const forged of [
      { ...wrap, epoch: 2 },
      { ...wrap, from: 'ab'.repeat(32) },
    ]) {
      expect(() => unwrapBundle(forged, peerBox.secretKey))
        .to.throw(EcarError)
        .with.property('code', 'KEYS_UNAVAILABLE');
    }
  });

  it('verifies the creator signature and survives a JSON round trip', () => {
    const { rec } = record();
    const parsed = parseKeyRecord(JSON.stringify(rec));
    expect(verifyKeyRecord(parsed, creatorSign.publicKey).epoch).to.equal(1);
  });

  it('throws KEYS_UNAVAILABLE (not a crash) for a record whose wraps are null or malformed', () => {
    const { rec } = record();
    for (const wraps of [[null], [{ ...rec.wraps[0], n: 'not base64!' }], [{ ...rec.wraps[0], from: 'x' }]]) {
      expect(() => parseKeyRecord(JSON.stringify({ ...rec, wraps })))
        .to.throw(EcarError)
        .with.property('code', 'KEYS_UNAVAILABLE');
    }
  });

  it('throws KEYS_UNAVAILABLE when the box key in the record was replaced', () => {
    const { rec } = record();
    const forged = { ...rec, boxPublicKey: Buffer.from(boxKeyPair().publicKey).toString('base64') };
    expect(() => verifyKeyRecord(forged, creatorSign.publicKey)).to.throw(/signature/);
  });

  it('rotation keeps older epochs and the name key, adds a new epoch', () => {
    const first = extendBundle(undefined);
    const second = extendBundle(first.bundle);
    expect(second.epoch).to.equal(2);
    expect([...second.bundle.epochs.keys()]).to.deep.equal([1, 2]);
    expect(Buffer.from(second.bundle.nameKey)).to.deep.equal(Buffer.from(first.bundle.nameKey));
  });

  it('accepts a voucher only for the record and enclave it was made for', () => {
    const { rec } = record();
    const voucher = makeVoucher(rec, peer, peerSign.seed);
    expect(verifyVoucher(voucher, rec, peerSign.publicKey)).to.equal(true);
    const other = { ...rec, receiptPublicKey: Buffer.from(signingKeyPair().publicKey).toString('base64') };
    expect(verifyVoucher(voucher, other, peerSign.publicKey)).to.equal(false);
    expect(verifyVoucher(voucher, rec, creatorSign.publicKey)).to.equal(false);
  });
});
