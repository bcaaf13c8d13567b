// `ecar` as a user runs it (node bin/ecar.js): init, whoami, wallet create/show/export, a wrong
// passphrase, an unreachable gateway, and --help with an example on every command.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Command } from 'commander';
import { createSimulatedPlatform } from '../../../chaincode/src/enclave/simulated-platform';
import { buildProgram } from '../../../client/src/cli/main';
import { projectRoot } from '../../support/testdata';

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const PASS = 'correct horse battery';

function ecar(
  home: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  input?: string,
): Run {
  const result = spawnSync(process.execPath, [join(projectRoot(), 'bin', 'ecar.js'), ...args], {
    cwd: home,
    encoding: 'utf8',
    input,
    env: { PATH: process.env.PATH ?? '', ECAR_HOME: home, ECAR_WALLET_PASSPHRASE: PASS, ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A home with a PEM certificate and key (a development CA's, good enough for a client identity). */
function homeWithIdentity(): string {
  const home = mkdtempSync(join(tmpdir(), 'ecar-app-'));
  const exported = createSimulatedPlatform({ notBefore: new Date() }).export();
  const pem = (label: string, b64: string): string =>
    `-----BEGIN ${label}-----\n${(b64.match(/.{1,64}/g) ?? []).join('\n')}\n-----END ${label}-----\n`;
  writeFileSync(join(home, 'cert.pem'), pem('CERTIFICATE', exported.certificates.root));
  writeFileSync(join(home, 'key.pem'), pem('PRIVATE KEY', exported.keys.root));
  // confidential mode needs a policy that pins the enclave code
  writeFileSync(join(home, 'policy.json'), `${JSON.stringify({ measurements: ['11'.repeat(32)] })}\n`);
  return home;
}

const IDENTITY = [
  '--tls-root-cert',
  'cert.pem',
  '--msp-id',
  'Org1MSP',
  '--certificate',
  'cert.pem',
  '--private-key',
  'key.pem',
];

describe('ecar (bin/ecar.js)', () => {
  it('init writes a profile, whoami shows the X.509 account id, an unreachable gateway is one line', () => {
    const home = homeWithIdentity();
    const init = ecar(home, [
      'init',
      '--profile',
      'me',
      '--mode',
      'plaintext',
      '--endpoint',
      '127.0.0.1:1',
      '--tls-server-name',
      'localhost',
      ...IDENTITY,
    ]);
    expect(init.status, init.stderr).to.equal(0);
    const config = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8')) as {
      defaultProfile: string;
      profiles: Record<string, { certificate: string; mode: string }>;
    };
    expect(config.defaultProfile).to.equal('me');
    expect(config.profiles.me).to.include({ certificate: join(home, 'cert.pem'), mode: 'plaintext' });

    const who = ecar(home, ['whoami', '--json']);
    expect(who.status, who.stderr).to.equal(0);
    expect((JSON.parse(who.stdout) as { callerId: string }).callerId).to.match(/^x509:[A-Za-z0-9_-]{43}$/);

    const balance = ecar(home, ['balance']);
    expect(balance.status).to.equal(1);
    expect(balance.stderr).to.include(
      'ecar: cannot reach the gateway at 127.0.0.1:1: is the network running? (npm run network -- status)\n',
    );
    expect(balance.stderr.split('\n').filter((l) => l.startsWith('ecar:'))).to.have.length(1);
    const machine = ecar(home, ['balance', '--json']);
    expect(JSON.parse(machine.stdout)).to.deep.include({ ok: false, code: 'GATEWAY_UNAVAILABLE' });
  });

  it('init refuses a confidential profile without a policy, saying which flag fixes it', () => {
    const home = homeWithIdentity();
    const run = ecar(home, [
      'init',
      '--profile',
      'me',
      '--endpoint',
      '127.0.0.1:1',
      '--tls-server-name',
      'localhost',
      ...IDENTITY,
    ]);
    expect(run.status).to.equal(1);
    expect(run.stderr).to.match(/confidential mode needs an attestation policy file .*--policy/);
  });

  it('wallet create/show/export-public: 0600 file, caller id w:<hex>, secret only with --secret --yes', () => {
    const home = homeWithIdentity();
    expect(
      ecar(home, [
        'init',
        '--profile',
        'me',
        '--endpoint',
        '127.0.0.1:1',
        '--tls-server-name',
        'localhost',
        '--policy',
        'policy.json',
        ...IDENTITY,
      ]).status,
    ).to.equal(0);
    const created = ecar(home, ['wallet', 'create', '--json']);
    expect(created.status, created.stderr).to.equal(0);
    const info = JSON.parse(created.stdout) as { file: string; publicKey: string; callerId: string };
    expect(info.file).to.equal(join(home, 'wallets', 'me.json'));
    expect(statSync(info.file).mode & 0o777).to.equal(0o600);
    expect(info.callerId).to.equal(`w:${info.publicKey}`);

    const show = ecar(home, ['wallet', 'show']);
    expect(show.status).to.equal(0);
    expect(show.stdout).to.include(info.callerId);
    const who = ecar(home, ['whoami']);
    expect(who.stdout).to.include(info.callerId);

    const noYes = ecar(home, ['wallet', 'export-public', '--secret']);
    expect(noYes.status).to.equal(2);
    expect(noYes.stdout).to.equal('');
    const exported = ecar(home, ['wallet', 'export-public', '--secret', '--yes']);
    expect(exported.status).to.equal(0);
    expect(exported.stdout.trim()).to.match(/^[0-9a-f]{64}$/);

    // the exported secret imports into a new wallet with the same public key
    const imported = ecar(
      home,
      ['wallet', 'import', '--from', '-', '--file', 'copy.json', '--json'],
      {},
      exported.stdout,
    );
    expect(imported.status, imported.stderr).to.equal(0);
    expect((JSON.parse(imported.stdout) as { publicKey: string }).publicKey).to.equal(info.publicKey);
  });

  it('refuses a wrong passphrase in one line, exit 1, the wallet file unchanged', () => {
    const home = homeWithIdentity();
    const file = join(home, 'w.json');
    expect(ecar(home, ['wallet', 'create', '--file', file]).status).to.equal(0);
    const before = readFileSync(file);
    const wrong = join(home, 'wrong.pass');
    writeFileSync(wrong, 'not it at all\n', { mode: 0o600 });
    const run = ecar(home, ['wallet', 'show', '--file', file, '--passphrase-file', wrong]);
    expect(run.status).to.equal(1);
    expect(run.stderr).to.equal(
      `ecar: wrong passphrase for the wallet ${file} (or its sealed secret was changed); nothing was changed\n`,
    );
    expect(run.stdout).to.equal('');
    expect(readFileSync(file)).to.deep.equal(before);
  });

  it('warns about ECAR_WALLET_PASSPHRASE on stderr only (the --json stdout stays JSON), not when CI=true', () => {
    const home = homeWithIdentity();
    const file = join(home, 'w.json');
    const args = ['--kdf-cost', '15', '--low-cost-for-tests'];
    expect(ecar(home, ['wallet', 'create', '--file', file, ...args]).status).to.equal(0);
    const run = ecar(home, ['wallet', 'show', '--file', file, '--json']);
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stderr).to.include('ECAR_WALLET_PASSPHRASE is readable by other processes');
    expect(run.stdout).not.to.include('warning');
    expect((JSON.parse(run.stdout) as { file: string }).file).to.equal(file);
    const ci = ecar(home, ['wallet', 'show', '--file', file, '--json'], { CI: 'true' });
    expect(ci.status, ci.stderr).to.equal(0);
    expect(ci.stderr).to.equal('');
  });

  it('reads the passphrase from --passphrase-fd (here the stdin pipe) without a warning', () => {
    const home = homeWithIdentity();
    const file = join(home, 'w.json');
    const noEnv = { ECAR_WALLET_PASSPHRASE: '' };
    const created = ecar(
      home,
      [
        'wallet',
        'create',
        '--file',
        file,
        '--kdf-cost',
        '15',
        '--low-cost-for-tests',
        '--passphrase-fd',
        '0',
      ],
      noEnv,
      `${PASS}\n`,
    );
    expect(created.status, created.stderr).to.equal(0);
    expect(created.stderr).to.equal('');
    const show = ecar(home, ['wallet', 'show', '--file', file, '--passphrase-fd', '0'], noEnv, `${PASS}\n`);
    expect(show.status, show.stderr).to.equal(0);
    expect(show.stdout).to.include('low cost: test wallet');
  });

  it('refuses --kdf-cost below 17 without --low-cost-for-tests (usage error, no file)', () => {
    const home = homeWithIdentity();
    const run = ecar(home, ['wallet', 'create', '--file', 'w.json', '--kdf-cost', '15']);
    expect(run.status).to.equal(2);
    expect(run.stderr).to.include('--low-cost-for-tests');
    expect(() => statSync(join(home, 'w.json'))).to.throw();
  });

  it('hints at `wallet upgrade` when unlocking an old 2^15 wallet, and upgrade re-encrypts it once', () => {
    const home = homeWithIdentity();
    const file = join(home, 'old.json');
    copyFileSync(join(projectRoot(), 'test', 'unit', 'wallet', 'fixtures', 'wallet-v1-scrypt15.json'), file);
    const ci = { CI: 'true' };
    const show = ecar(home, ['wallet', 'show', '--file', file], ci);
    expect(show.status, show.stderr).to.equal(0);
    expect(show.stderr).to.include(`run 'ecar wallet upgrade --file ${file}'`);
    const upgraded = ecar(home, ['wallet', 'upgrade', '--file', file, '--json'], ci);
    expect(upgraded.status, upgraded.stderr).to.equal(0);
    expect(JSON.parse(upgraded.stdout)).to.deep.include({ upgraded: true, previousN: 2 ** 15 });
    expect((JSON.parse(readFileSync(file, 'utf8')) as { kdf: { N: number } }).kdf.N).to.equal(2 ** 17);
    const again = ecar(home, ['wallet', 'upgrade', '--file', file], ci);
    expect(again.stdout).to.include('nothing was changed');
    expect(ecar(home, ['wallet', 'show', '--file', file], ci).stderr).to.equal('');
  });

  it('without a passphrase and without a terminal says how to give one', () => {
    const home = homeWithIdentity();
    const run = ecar(home, ['wallet', 'create', '--file', 'w.json'], { ECAR_WALLET_PASSPHRASE: '' });
    expect(run.status).to.equal(1);
    expect(run.stderr).to.include('set ECAR_WALLET_PASSPHRASE');
  });

  it('a confidential profile unlocks the wallet, then reports an unreachable gateway in one line', () => {
    const home = homeWithIdentity();
    ecar(home, [
      'init',
      '--profile',
      'me',
      '--endpoint',
      '127.0.0.1:1',
      '--tls-server-name',
      'localhost',
      '--policy',
      'policy.json',
      ...IDENTITY,
    ]);
    ecar(home, ['wallet', 'create']);
    const locked = ecar(home, ['balance', '--json'], { ECAR_WALLET_PASSPHRASE: 'not it at all' });
    expect(JSON.parse(locked.stdout)).to.deep.include({ ok: false, code: 'WALLET_LOCKED' });
    const run = ecar(home, ['balance', '--json']);
    expect(run.status).to.equal(1);
    expect(JSON.parse(run.stdout)).to.deep.include({ ok: false, code: 'GATEWAY_UNAVAILABLE' });
  });

  it('a confidential profile with a policy file that is not a policy names the file', () => {
    const home = homeWithIdentity();
    writeFileSync(join(home, 'policy.json'), '{"allowDebugg": true}');
    ecar(home, [
      'init',
      '--profile',
      'me',
      '--endpoint',
      '127.0.0.1:1',
      '--tls-server-name',
      'localhost',
      '--policy',
      'policy.json',
      ...IDENTITY,
    ]);
    ecar(home, ['wallet', 'create']);
    const run = ecar(home, ['balance']);
    expect(run.status).to.equal(1);
    expect(run.stderr).to.match(
      /^ecar: profile 'me': policy file .*policy\.json is not a valid attestation policy/,
    );
  });

  it('a confidential profile with a policy that pins no enclave code is refused, saying what to add', () => {
    const home = homeWithIdentity();
    writeFileSync(join(home, 'policy.json'), '{"allowSimulated": true}');
    ecar(home, [
      'init',
      '--profile',
      'me',
      '--endpoint',
      '127.0.0.1:1',
      '--tls-server-name',
      'localhost',
      '--policy',
      'policy.json',
      ...IDENTITY,
    ]);
    ecar(home, ['wallet', 'create']);
    const run = ecar(home, ['balance']);
    expect(run.status).to.equal(1);
    expect(run.stderr.trim().split('\n')).to.have.length(1);
    expect(run.stderr).to.match(/policy\.json is not a valid attestation policy .*pins no enclave code/);
    expect(run.stderr).to.contain('add "measurements"');
  });
});

describe('ecar --help', () => {
  function leaves(command: Command, path: string[] = []): { path: string[]; command: Command }[] {
    if (command.commands.length === 0) return [{ path, command }];
    return command.commands.flatMap((c) => leaves(c, [...path, c.name()]));
  }

  it('every command has a description and an example in its help', () => {
    const all = leaves(buildProgram());
    expect(all.length).to.be.greaterThan(40);
    for (const { path, command } of all) {
      let help = '';
      command.configureOutput({ writeOut: (t) => (help += t), writeErr: () => undefined });
      command.outputHelp();
      expect(command.description(), path.join(' ')).not.to.equal('');
      expect(help, path.join(' ')).to.match(/Examples?:\n\s+\$ ecar /);
    }
  });
});
