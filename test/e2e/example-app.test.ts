// The README's application example (examples/app) compiled with its own tsconfig and run as a child
// process on the test network with the issuer's wallet and Fabric identity: it tops up and checks the
// balance itself; this suite checks the ledger agrees, and that under a policy pinning other enclave
// code the example refuses before anything is sent.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import type { JsonValue } from '../../chaincode/src/protocol/json';
import { EcarError } from '../../chaincode/src/protocol/errors';
import { policyFile } from '../../scripts/src/network/confidential-setup';
import { localIdentityFiles } from '../../scripts/src/network/identities';
import { networkWalletPassphrase, ROLE_IDENTITIES, walletPaths } from '../../scripts/src/network/roles';
import { paramsArgs } from '../support/builders';
import { e2eNetwork } from '../support/e2e-network';
import { openRoleActor } from '../support/network-role-actor';
import type { Actor } from '../support/ledger-actors';
import { projectRoot } from '../support/testdata';

const run = promisify(execFile);
const root = projectRoot();
const EXAMPLE_JS = join(root, 'dist', 'examples', 'app', 'main.js');

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function runExample(env: Readonly<Record<string, string>>): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, [EXAMPLE_JS], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', ...env },
      timeout: 240_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : -1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? '',
    };
  }
}

function purchased(balance: JsonValue): bigint {
  const value = (balance as Record<string, JsonValue>).purchased;
  expect(value, 'getBalance answers purchased as a decimal string').to.be.a('string');
  return BigInt(value as string);
}

/** The network's issuer wallet holds the issuer role (initialised here when no suite before did). */
async function makeIssuer(issuerId: string): Promise<void> {
  const operator = await openRoleActor(e2eNetwork().topology, 'operator');
  try {
    await operator.ledger.submit('initialize', { ...paramsArgs(), issuer: issuerId });
  } catch (error) {
    if (!(error instanceof EcarError && error.code === 'ALREADY_EXISTS')) throw error;
    // initialised by an earlier suite: only the issuer role changes, when it is not this wallet's
    const params = (await operator.ledger.evaluate('getParams')) as Record<string, JsonValue>;
    if (params.issuer !== issuerId) await operator.ledger.submit('setParams', { issuer: issuerId });
  } finally {
    operator.close();
  }
}

describe('the application example (examples/app) on the network', function () {
  this.timeout(300_000);
  const t = e2eNetwork().topology;
  let issuer: Actor;
  let env: Record<string, string>;
  let scratch: string;

  before(async () => {
    // the same command the README gives: the example's own tsconfig, against the built declarations
    await run(
      process.execPath,
      [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'examples/app'],
      {
        cwd: root,
      },
    );
    const { org, user } = ROLE_IDENTITIES.issuer;
    const files = localIdentityFiles(t, org, user);
    env = {
      ECAR_PEER_ENDPOINT: files.endpoint,
      ECAR_TLS_ROOT_CERT: files.tlsRootCert,
      ECAR_TLS_SERVER_NAME: files.tlsServerName,
      ECAR_MSP_ID: files.mspId,
      ECAR_CERTIFICATE: files.certificate,
      ECAR_PRIVATE_KEY: files.privateKey,
      ECAR_WALLET: walletPaths.wallet(t, 'issuer'),
      ECAR_WALLET_PASSPHRASE: networkWalletPassphrase(t),
      ECAR_POLICY: policyFile(t),
      ECAR_CHANNEL: t.channel,
      ECAR_CHAINCODE: t.chaincode,
      ECAR_TOP_UP: '12.50',
    };
    scratch = mkdtempSync(join(tmpdir(), 'ecar-example-'));
    issuer = await openRoleActor(t, 'issuer');
    await makeIssuer(issuer.expectedId);
  });

  after(() => {
    issuer.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('tops up the wallet it opened, and the ledger shows exactly that amount more', async () => {
    const before = purchased(await issuer.ledger.evaluate('getBalance'));
    const outcome = await runExample(env);
    expect(outcome.code, `example failed: ${outcome.stderr}`).to.equal(0);
    const printed = JSON.parse(outcome.stdout) as Record<string, string>;
    expect(printed.account).to.equal(issuer.expectedId);
    expect(printed.transactionId).to.match(/^[0-9a-f]{64}$/);
    expect(BigInt(printed.after ?? '') - BigInt(printed.before ?? '')).to.equal(1250n);
    const after = purchased(await issuer.ledger.evaluate('getBalance'));
    expect(after - before).to.equal(1250n);
    expect(after.toString()).to.equal(printed.after);
  });

  it('refuses with the enclaves not trusted, and changes nothing, under a policy pinning other code', async () => {
    const policy = JSON.parse(readFileSync(policyFile(t), 'utf8')) as Record<string, unknown>;
    const otherCode = join(scratch, 'other-code-policy.json');
    writeFileSync(otherCode, JSON.stringify({ ...policy, measurements: ['ab'.repeat(32)], signers: [] }));
    const before = purchased(await issuer.ledger.evaluate('getBalance'));
    const outcome = await runExample({ ...env, ECAR_POLICY: otherCode });
    expect(outcome.code).to.equal(1);
    expect(outcome.stderr).to.match(/^not trusted: /);
    expect(outcome.stdout).to.equal('');
    expect(purchased(await issuer.ledger.evaluate('getBalance'))).to.equal(before);
  });
});
