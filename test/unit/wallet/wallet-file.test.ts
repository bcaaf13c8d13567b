// Wallet files: create/open round trip, wrong passphrase refused with nothing changed, 0600, KDF
// parameters stored (2^17 by default; earlier 2^15 files still open and upgrade), tampering
// refused, never overwritten; passphrases from a descriptor, a file or the environment (warned).
import {
  closeSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { sign, verifySignature } from '../../../chaincode/src/protocol/confidential/primitives';
import { WalletError, type WalletErrorCode } from '../../../client/src/wallet/wallet-error';
import {
  createWallet,
  openWallet,
  readWalletInfo,
  upgradeWallet,
  walletCallerId,
  type WalletFile,
} from '../../../client/src/wallet/wallet-file';
import {
  ENV_PASSPHRASE_WARNING,
  existingPassphrase,
  newPassphrase,
} from '../../../client/src/wallet/passphrase';
import { projectRoot } from '../../support/testdata';

const PASS = 'correct horse battery';
/** Tests not about the cost use the marked low-cost wallets the test networks use. */
const FAST = { logN: 15, lowCostForTests: true } as const;
/** Written by the wallet code before the cost was raised: scrypt 2^15, no test mark, seed 32 x 0x03. */
const OLD_WALLET = join(projectRoot(), 'test', 'unit', 'wallet', 'fixtures', 'wallet-v1-scrypt15.json');

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
      const created = await createWallet(file, PASS, FAST);
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
      const created = await createWallet(file, PASS, FAST);
      expect(created.callerId).to.equal(`w:${created.publicKey}`);
      expect(walletCallerId(Buffer.from(created.publicKey, 'hex'))).to.equal(created.callerId);
    });

    it('imports a given seed: the same seed gives the same public key', async () => {
      const seed = new Uint8Array(32).fill(7);
      const a = await createWallet(walletPath(), PASS, { ...FAST, seed: seed.slice() });
      const b = await createWallet(walletPath(), 'another passphrase', { ...FAST, seed: seed.slice() });
      expect(a.publicKey).to.equal(b.publicKey);
    });

    it('writes a private file (0600) holding scrypt 2^17, r=8, p=1, its salt, and no secret in clear', async () => {
      const file = walletPath();
      const seed = new Uint8Array(32).fill(9);
      const created = await createWallet(file, PASS, { seed: seed.slice() });
      expect(statSync(file).mode & 0o777).to.equal(0o600);
      const text = readFileSync(file, 'utf8');
      const json = JSON.parse(text) as WalletFile;
      expect(json.kdf).to.include({ name: 'scrypt', N: 2 ** 17, r: 8, p: 1, keyLength: 32 });
      expect(json).not.to.have.property('lowCostForTests');
      expect(created).to.include({ lowCostForTests: false, upgradeRecommended: false });
      expect(Buffer.from(json.kdf.salt, 'base64')).to.have.length(16);
      expect(json.cipher.name).to.equal('xsalsa20-poly1305');
      expect(text).not.to.include(Buffer.from(seed).toString('hex'));
      expect(text).not.to.include(Buffer.from(seed).toString('base64'));
      expect(text).not.to.include(PASS);
      expect((await openWallet(file, PASS)).publicKey).to.equal(created.publicKey);
    });

    it('refuses a cost below 2^17 for a normal wallet and below 2^15 for a test wallet, writing nothing', async () => {
      const file = walletPath();
      const error = await expectWalletError(createWallet(file, PASS, { logN: 16 }), 'WALLET_INVALID');
      expect(error.message).to.include('only for test wallets');
      await expectWalletError(
        createWallet(file, PASS, { logN: 14, lowCostForTests: true }),
        'WALLET_INVALID',
      );
      await expectWalletError(openWallet(file, PASS), 'WALLET_MISSING');
    });

    it('marks a low-cost test wallet in the file and refuses the file with the mark removed', async () => {
      const file = walletPath();
      const created = await createWallet(file, PASS, FAST);
      expect(created).to.include({ lowCostForTests: true, upgradeRecommended: false });
      const json = JSON.parse(readFileSync(file, 'utf8')) as WalletFile;
      expect(json.lowCostForTests).to.equal(true);
      expect(json.kdf.N).to.equal(2 ** 15);
      writeFileSync(file, JSON.stringify({ ...json, lowCostForTests: undefined }));
      await expectWalletError(openWallet(file, PASS), 'WALLET_TAMPERED');
    });

    it('never overwrites an existing wallet', async () => {
      const file = walletPath();
      await createWallet(file, PASS, FAST);
      const before = readFileSync(file, 'utf8');
      await expectWalletError(createWallet(file, PASS, FAST), 'WALLET_EXISTS');
      expect(readFileSync(file, 'utf8')).to.equal(before);
    });
  });

  describe('refusals', () => {
    it('throws WALLET_LOCKED for a wrong passphrase and changes nothing', async () => {
      const file = walletPath();
      await createWallet(file, PASS, FAST);
      const before = readFileSync(file);
      const mtime = statSync(file).mtimeMs;
      const error = await expectWalletError(openWallet(file, 'not-the-passphrase'), 'WALLET_LOCKED');
      expect(error.message).to.include('nothing was changed');
      expect(error.message).not.to.include('not-the-passphrase');
      expect(readFileSync(file)).to.deep.equal(before);
      expect(statSync(file).mtimeMs).to.equal(mtime);
    });

    it('throws WALLET_TAMPERED when the public key was swapped', async () => {
      const file = walletPath();
      await createWallet(file, PASS, FAST);
      const other = await createWallet(walletPath(), PASS, FAST);
      const json = JSON.parse(readFileSync(file, 'utf8')) as WalletFile;
      writeFileSync(file, JSON.stringify({ ...json, publicKey: other.publicKey }));
      await expectWalletError(openWallet(file, PASS), 'WALLET_TAMPERED');
    });

    it('refuses a flipped ciphertext byte (WALLET_LOCKED: the box does not open)', async () => {
      const file = walletPath();
      await createWallet(file, PASS, FAST);
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
      await createWallet(file, PASS, FAST);
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

  describe('a wallet of the earlier format (scrypt 2^15, no mark)', () => {
    function oldCopy(): string {
      const file = walletPath();
      mkdirSync(join(file, '..'), { recursive: true });
      copyFileSync(OLD_WALLET, file);
      return file;
    }

    it('still opens, and says an upgrade is recommended', async () => {
      const opened = await openWallet(oldCopy(), PASS);
      expect(Buffer.from(opened.keyPair.seed)).to.deep.equal(Buffer.alloc(32, 3));
      expect(opened.kdf.N).to.equal(2 ** 15);
      expect(opened).to.include({ lowCostForTests: false, upgradeRecommended: true });
    });

    it('is re-encrypted by upgradeWallet at 2^17 with the same key, passphrase and creation time', async () => {
      const file = oldCopy();
      const before = readWalletInfo(file);
      const result = await upgradeWallet(file, PASS);
      expect(result).to.include({ upgraded: true, previousN: 2 ** 15, upgradeRecommended: false });
      const json = JSON.parse(readFileSync(file, 'utf8')) as WalletFile;
      expect(json.kdf.N).to.equal(2 ** 17);
      expect(statSync(file).mode & 0o777).to.equal(0o600);
      const opened = await openWallet(file, PASS);
      expect(opened.publicKey).to.equal(before.publicKey);
      expect(opened.createdAt).to.equal(before.createdAt);
      const after = readFileSync(file, 'utf8');
      expect((await upgradeWallet(file, PASS)).upgraded).to.equal(false);
      expect(readFileSync(file, 'utf8')).to.equal(after);
    });

    it('is left unchanged by upgradeWallet with a wrong passphrase', async () => {
      const file = oldCopy();
      const before = readFileSync(file, 'utf8');
      await expectWalletError(upgradeWallet(file, 'not the passphrase'), 'WALLET_LOCKED');
      expect(readFileSync(file, 'utf8')).to.equal(before);
    });
  });

  describe('passphrase sources', () => {
    const noTerminal = (): Promise<undefined> => Promise.resolve(undefined);
    const secretFile = (text: string): string => {
      const file = join(mkdtempSync(join(tmpdir(), 'ecar-pass-')), 'pass');
      writeFileSync(file, text, { mode: 0o600 });
      return file;
    };

    it('reads the first line of --passphrase-fd, before any other source', async () => {
      const fd = openSync(secretFile('from the descriptor\nignored\n'), 'r');
      try {
        const env = {
          ECAR_WALLET_PASSPHRASE: 'from env',
          ECAR_WALLET_PASSPHRASE_FILE: secretFile('env file'),
        };
        const source = { env, prompt: noTerminal, fd, file: secretFile('from file') };
        expect(await existingPassphrase(source, 'w')).to.equal('from the descriptor');
      } finally {
        closeSync(fd);
      }
    });

    it('reads --passphrase-file, then ECAR_WALLET_PASSPHRASE_FILE, without a warning', async () => {
      const warnings: string[] = [];
      const warn = (line: string): void => {
        warnings.push(line);
      };
      const env = {
        ECAR_WALLET_PASSPHRASE: 'from env',
        ECAR_WALLET_PASSPHRASE_FILE: secretFile('env file\r\n'),
      };
      expect(
        await existingPassphrase({ env, prompt: noTerminal, warn, file: secretFile('from file\n') }, 'w'),
      ).to.equal('from file');
      expect(await existingPassphrase({ env, prompt: noTerminal, warn }, 'w')).to.equal('env file');
      expect(warnings).to.deep.equal([]);
    });

    it('warns on stderr for ECAR_WALLET_PASSPHRASE, except when CI=true', async () => {
      const warnings: string[] = [];
      const warn = (line: string): void => {
        warnings.push(line);
      };
      const source = { env: { ECAR_WALLET_PASSPHRASE: 'from env' }, prompt: noTerminal, warn };
      expect(await existingPassphrase(source, 'w')).to.equal('from env');
      expect(warnings).to.deep.equal([`${ENV_PASSPHRASE_WARNING}\n`]);
      expect(warnings[0]).to.include('--passphrase-file');
      const ci = { ...source, env: { ...source.env, CI: 'true' } };
      expect(await existingPassphrase(ci, 'w')).to.equal('from env');
      expect(warnings).to.have.length(1);
    });

    it('throws WALLET_PASSPHRASE for an unreadable or empty passphrase file, never falling back', async () => {
      const env = { ECAR_WALLET_PASSPHRASE: 'from env' };
      const missing = join(tmpdir(), 'ecar-no-such-passphrase-file');
      const error = await expectWalletError(
        existingPassphrase({ env, prompt: noTerminal, file: missing }, 'w'),
        'WALLET_PASSPHRASE',
      );
      expect(error.message).to.include('ENOENT');
      await expectWalletError(
        existingPassphrase({ env, prompt: noTerminal, file: secretFile('\nsecond line') }, 'w'),
        'WALLET_PASSPHRASE',
      );
    });

    it('applies the minimum length to a new passphrase from a file', async () => {
      await expectWalletError(
        newPassphrase({ env: {}, prompt: noTerminal, file: secretFile('short\n') }, 'w'),
        'WALLET_PASSPHRASE',
      );
      expect(
        await newPassphrase({ env: {}, prompt: noTerminal, file: secretFile('long enough\n') }, 'w'),
      ).to.equal('long enough');
    });
  });
});
