// Wallet files: create/open round trip, wrong passphrase refused with nothing changed, 0600, KDF
// parameters stored, tampering refused, never overwritten.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { sign, verifySignature } from '../../../chaincode/src/protocol/confidential/primitives';
import { WalletError, type WalletErrorCode } from '../../../client/src/wallet/wallet-error';
import {
  createWallet,
  openWallet,
  readWalletInfo,
  walletCallerId,
  type WalletFile,
} from '../../../client/src/wallet/wallet-file';
import { existingPassphrase, newPassphrase } from '../../../client/src/wallet/passphrase';

const PASS = 'correct horse battery';

function walletPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'ecar-wallet-')), 'wallets', 'w.json');
}

async function expectWalletError(promise: Promise<unknown>, code: WalletErrorCode): Promise<WalletError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(WalletError);
    expect((error as WalletError).code).to.equal(code);
    return error as WalletError;
  }
  throw new Error(`expected ${code}`);
}

describe('wallet file', () => {
  describe('createWallet / openWallet', () => {
    it('round-trips: the opened key pair signs what the stored public key verifies', async () => {
      const file = walletPath();
      const created = await createWallet(file, PASS);
      const opened = await openWallet(file, PASS);
      expect(opened.publicKey).to.equal(created.publicKey);
      expect(Buffer.from(opened.keyPair.publicKey).toString('hex')).to.equal(created.publicKey);
      const message = new TextEncoder().encode('ecar');
      expect(verifySignature(opened.keyPair.publicKey, message, sign(opened.keyPair.seed, message))).to.equal(
        true,
      );
    });

    it("names the wallet's ledger caller id w:<hex of the public key>", async () => {
      const file = walletPath();
      const created = await createWallet(file, PASS);
      expect(created.callerId).to.equal(`w:${created.publicKey}`);
      expect(walletCallerId(Buffer.from(created.publicKey, 'hex'))).to.equal(created.callerId);
    });

    it('imports a given seed: the same seed gives the same public key', async () => {
      const seed = new Uint8Array(32).fill(7);
      const a = await createWallet(walletPath(), PASS, { seed: seed.slice() });
      const b = await createWallet(walletPath(), 'another passphrase', { seed: seed.slice() });
      expect(a.publicKey).to.equal(b.publicKey);
    });

    it('writes a private file (0600) that holds scrypt parameters, salt, and no secret in clear', async () => {
      const file = walletPath();
      const seed = new Uint8Array(32).fill(9);
      await createWallet(file, PASS, { seed: seed.slice() });
      expect(statSync(file).mode & 0o777).to.equal(0o600);
      const text = readFileSync(file, 'utf8');
      const json = JSON.parse(text) as WalletFile;
      expect(json.kdf).to.include({ name: 'scrypt', N: 2 ** 15, r: 8, p: 1, keyLength: 32 });
      expect(Buffer.from(json.kdf.salt, 'base64')).to.have.length(16);
      expect(json.cipher.name).to.equal('xsalsa20-poly1305');
      expect(text).not.to.include(Buffer.from(seed).toString('hex'));
      expect(text).not.to.include(Buffer.from(seed).toString('base64'));
      expect(text).not.to.include(PASS);
    });

    it('stores a higher scrypt cost when asked and still opens', async () => {
      const file = walletPath();
      await createWallet(file, PASS, { logN: 16 });
      expect(readWalletInfo(file).kdf.N).to.equal(2 ** 16);
      await openWallet(file, PASS);
    });

    it('refuses a scrypt cost below 2^15', async () => {
      await expectWalletError(createWallet(walletPath(), PASS, { logN: 14 }), 'WALLET_INVALID');
    });

    it('never overwrites an existing wallet', async () => {
      const file = walletPath();
      await createWallet(file, PASS);
      const before = readFileSync(file, 'utf8');
      await expectWalletError(createWallet(file, PASS), 'WALLET_EXISTS');
      expect(readFileSync(file, 'utf8')).to.equal(before);
    });
  });

  describe('refusals', () => {
    it('throws WALLET_LOCKED for a wrong passphrase and changes nothing', async () => {
      const file = walletPath();
      await createWallet(file, PASS);
      const before = readFileSync(file);
      const mtime = statSync(file).mtimeMs;
      const error = await expectWalletError(openWallet(file, 'not-the-passphrase'), 'WALLET_LOCKED');
      expect(error.message).to.include('nothing was changed');
      expect(error.message).not.to.include('not-the-passphrase');
      expect(readFileSync(file).equals(before)).to.equal(true);
      expect(statSync(file).mtimeMs).to.equal(mtime);
    });

    it('throws WALLET_TAMPERED when the public key was swapped', async () => {
      const file = walletPath();
      await createWallet(file, PASS);
      const other = await createWallet(walletPath(), PASS);
      const json = JSON.parse(readFileSync(file, 'utf8')) as WalletFile;
      writeFileSync(file, JSON.stringify({ ...json, publicKey: other.publicKey }));
      await expectWalletError(openWallet(file, PASS), 'WALLET_TAMPERED');
    });

    it('refuses a flipped ciphertext byte (WALLET_LOCKED: the box does not open)', async () => {
      const file = walletPath();
      await createWallet(file, PASS);
      const json = JSON.parse(readFileSync(file, 'utf8')) as WalletFile;
      const bytes = Buffer.from(json.cipher.ciphertext, 'base64');
      bytes[5] = (bytes[5] ?? 0) ^ 1;
      writeFileSync(
        file,
        JSON.stringify({ ...json, cipher: { ...json.cipher, ciphertext: bytes.toString('base64') } }),
      );
      await expectWalletError(openWallet(file, PASS), 'WALLET_LOCKED');
    });

    it('refuses weakened KDF parameters as an invalid file', async () => {
      const file = walletPath();
      await createWallet(file, PASS);
      const json = JSON.parse(readFileSync(file, 'utf8')) as WalletFile;
      writeFileSync(file, JSON.stringify({ ...json, kdf: { ...json.kdf, N: 1024 } }));
      await expectWalletError(openWallet(file, PASS), 'WALLET_INVALID');
    });

    it('throws WALLET_MISSING saying how to create one', async () => {
      const error = await expectWalletError(openWallet(walletPath(), PASS), 'WALLET_MISSING');
      expect(error.message).to.include('ecar wallet create');
    });

    it('throws WALLET_INVALID for a file that is not a wallet', async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'ecar-nw-')), 'x.json');
      writeFileSync(file, '{"format":"something-else"}');
      await expectWalletError(openWallet(file, PASS), 'WALLET_INVALID');
    });
  });

  describe('passphrases', () => {
    const noTerminal = (): Promise<undefined> => Promise.resolve(undefined);

    it('takes ECAR_WALLET_PASSPHRASE, else asks the terminal, else says how to give one', async () => {
      expect(
        await existingPassphrase({ env: { ECAR_WALLET_PASSPHRASE: 'x' }, prompt: noTerminal }, 'f'),
      ).to.equal('x');
      expect(await existingPassphrase({ env: {}, prompt: () => Promise.resolve('typed') }, 'f')).to.equal(
        'typed',
      );
      const error = await expectWalletError(
        existingPassphrase({ env: {}, prompt: noTerminal }, 'f'),
        'WALLET_PASSPHRASE',
      );
      expect(error.message).to.include('ECAR_WALLET_PASSPHRASE');
    });

    it('asks twice for a new passphrase and refuses a mismatch or fewer than 8 characters', async () => {
      const answers = ['first one', 'second one'];
      const prompt = (): Promise<string | undefined> => Promise.resolve(answers.shift());
      await expectWalletError(newPassphrase({ env: {}, prompt }, 'f'), 'WALLET_PASSPHRASE');
      await expectWalletError(
        newPassphrase({ env: { ECAR_WALLET_PASSPHRASE: 'short' }, prompt: noTerminal }, 'f'),
        'WALLET_PASSPHRASE',
      );
    });
  });
});
