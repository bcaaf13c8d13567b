// Policy governance (org admins, majority of the orgs the ledger knows), the enclave configuration,
// sealing and identity persistence, the persisted development platform, the plaintext guard and the
// admin NodeOU check.
import { expect } from 'chai';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readEnclaveConfig, EnclaveConfigError } from '../../../chaincode/src/enclave/config';
import { loadOrCreateIdentity } from '../../../chaincode/src/enclave/identity';
import { chaincodeMeasurement } from '../../../chaincode/src/protocol/attestation/measurement';
import { createEnclaveRuntime } from '../../../chaincode/src/enclave/runtime';
import { gramineSealer, SealedFiles, simulatedSealer } from '../../../chaincode/src/enclave/sealing';
import { gramineProvider } from '../../../chaincode/src/enclave/gramine-provider';
import { hasAdminNodeOu } from '../../../chaincode/src/fabric/admin-identity';
import { assertPlaintextMode } from '../../../chaincode/src/fabric/plaintext-guard';
import { enclaveReportData, verifyEvidence } from '../../../chaincode/src/protocol/attestation';
import {
  createDevelopmentPlatform,
  developmentPolicy,
  loadDevelopmentPlatform,
} from '../../../chaincode/src/enclave/simulated-platform-file';
import {
  derBitString,
  derExplicit,
  derInteger,
  derOid,
  derSequence,
  derSet,
  derTimeValue,
  derUtf8String,
} from '../../../chaincode/src/protocol/der-writer';
import type { PolicyProposal, PolicyRecord } from '../../../chaincode/src/protocol/confidential/api';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import { chaincodeBundle } from '../../../scripts/src/network/chaincode';
import { testCertificates } from '../../support/fake-stub';
import {
  approveGenesis,
  EnclaveTestNetwork,
  newEnclaveDir,
  testPlatform,
  testRuntime,
} from '../../support/enclave-harness';
import { projectRoot } from '../../support/testdata';
import { ecarRejection } from '../../support/rejection';

describe('policy governance', () => {
  const platform = testPlatform();
  const org1 = testRuntime({ platform, mspId: 'Org1MSP' });
  const org2 = testRuntime({ platform, mspId: 'Org2MSP' });
  const policy = developmentPolicy(platform);
  const stricter = { ...policy, allowedTcbStatuses: ['UpToDate'] };

  async function twoOrgNetwork(): Promise<EnclaveTestNetwork> {
    const network = new EnclaveTestNetwork();
    await approveGenesis(network, [org1, org2], policy);
    for (const runtime of [org1, org2]) {
      await network.submit((tx) => runtime.registerEnclave(tx, JSON.stringify(runtime.enclaveEvidence())), {
        mspId: runtime.config.mspId,
        isAdmin: true,
      });
    }
    return network;
  }

  it('applies a proposal only when a majority of orgs approved (2 of 2)', async () => {
    const network = await twoOrgNetwork();
    const proposal = (await network.submit((tx) => org1.proposePolicy(tx, JSON.stringify(stricter)), {
      isAdmin: true,
      mspId: 'Org1MSP',
    })) as PolicyProposal;
    expect(proposal).to.include({ applied: false, proposedBy: 'Org1MSP' });
    expect((await network.evaluate((tx) => org1.getPolicy(tx))).version).to.equal(1);

    const sameOrg = (await network.submit((tx) => org1.approvePolicy(tx, proposal.id), {
      isAdmin: true,
      mspId: 'Org1MSP',
    })) as PolicyProposal;
    expect(sameOrg.applied).to.equal(false);

    const notAdmin = await ecarRejection(
      network.submit((tx) => org2.approvePolicy(tx, proposal.id), { mspId: 'Org2MSP' }),
    );
    expect(notAdmin.code).to.equal('FORBIDDEN');

    const applied = (await network.submit((tx) => org2.approvePolicy(tx, proposal.id), {
      isAdmin: true,
      mspId: 'Org2MSP',
    })) as PolicyRecord;
    expect(applied).to.include({ version: 2 });
    expect(applied.approvedBy).to.deep.equal(['Org1MSP', 'Org2MSP']);
    expect(applied.policy.allowedTcbStatuses).to.deep.equal(['UpToDate']);

    const twice = await ecarRejection(
      network.submit((tx) => org2.approvePolicy(tx, proposal.id), { isAdmin: true, mspId: 'Org2MSP' }),
    );
    expect(twice.code).to.equal('INVALID_STATE');
  });
});

describe('readEnclaveConfig', () => {
  const base = {
    ECAR_ENCLAVE_DIR: '/var/lib/ecar/enclave',
    ECAR_SIMULATED_PLATFORM: '/var/lib/ecar/platform.json',
    ECAR_SIMULATED_CPU_SECRET: '/var/lib/ecar/cpu-secret',
    ECAR_MSP_ID: 'Org1MSP',
    ECAR_CHANNEL: 'ecar',
    ECAR_CHAINCODE: 'ecar',
  };

  it('defaults to the simulated provider with plaintext mode off', () => {
    expect(readEnclaveConfig(base)).to.include({
      provider: 'simulated',
      plaintext: false,
      simulatedDebug: false,
      mspId: 'Org1MSP',
      enclaveDir: '/var/lib/ecar/enclave',
    });
    expect(readEnclaveConfig({ ...base, ECAR_PLAINTEXT: '1' }).plaintext).to.equal(true);
  });

  it('names the variable that is missing or invalid', () => {
    const cases: [Record<string, string | undefined>, string][] = [
      [{ ...base, ECAR_ENCLAVE_DIR: undefined }, 'ECAR_ENCLAVE_DIR'],
      [{ ...base, ECAR_ENCLAVE_PROVIDER: 'sgx' }, 'ECAR_ENCLAVE_PROVIDER'],
      [{ ...base, ECAR_SIMULATED_PLATFORM: '' }, 'ECAR_SIMULATED_PLATFORM'],
      [{ ...base, ECAR_MSP_ID: 'Org 1' }, 'ECAR_MSP_ID'],
      [{ ...base, ECAR_PLAINTEXT: 'yes' }, 'ECAR_PLAINTEXT'],
      [{ ...base, ECAR_ENCLAVE_PROVIDER: 'gramine' }, 'ECAR_COLLATERAL_FILE'],
    ];
    for (const [env, variable] of cases) {
      expect(() => readEnclaveConfig(env), variable)
        .to.throw(EnclaveConfigError)
        .with.property('variable', variable);
    }
  });

  it('needs no simulated files for gramine', () => {
    const config = readEnclaveConfig({
      ...base,
      ECAR_SIMULATED_PLATFORM: undefined,
      ECAR_SIMULATED_CPU_SECRET: undefined,
      ECAR_ENCLAVE_PROVIDER: 'gramine',
      ECAR_COLLATERAL_FILE: '/etc/ecar/collateral.json',
    });
    expect(config).to.include({ provider: 'gramine', collateralFile: '/etc/ecar/collateral.json' });
    expect(config.simulatedPlatformFile).to.equal(undefined);
  });
});

describe('sealing and identity', () => {
  const measurement = new Uint8Array(32).fill(9);

  it('keeps the identity across restarts, and only the same host and measurement can unseal it', () => {
    const dir = newEnclaveDir();
    try {
      const files = new SealedFiles(dir, simulatedSealer(new Uint8Array(32).fill(1), measurement));
      const first = loadOrCreateIdentity(files);
      expect(loadOrCreateIdentity(files).id).to.equal(first.id);
      expect(first.id).to.match(/^[0-9a-f]{64}$/);
      expect(statSync(join(dir, 'identity.sealed')).mode & 0o077).to.equal(0);
      const raw = readFileSync(join(dir, 'identity.sealed'));
      expect(raw.toString('latin1')).not.to.include(Buffer.from(first.signing.seed).toString('base64'));
      for (const other of [
        simulatedSealer(new Uint8Array(32).fill(2), measurement), // another host
        simulatedSealer(new Uint8Array(32).fill(1), new Uint8Array(32).fill(8)), // another build
      ]) {
        expect(() => loadOrCreateIdentity(new SealedFiles(dir, other))).to.throw(
          EcarError,
          /does not unseal/,
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('binds a sealed blob to its label', () => {
    const sealer = simulatedSealer(new Uint8Array(32).fill(1), measurement);
    const sealed = sealer.seal('identity.sealed', Buffer.from('secret'));
    expect(Buffer.from(sealer.unseal('identity.sealed', sealed)).toString()).to.equal('secret');
    expect(() => sealer.unseal('keys.sealed', sealed)).to.throw(EcarError);
  });

  it('reads the Gramine MRENCLAVE key file (16 raw bytes) and refuses anything else', () => {
    const dir = newEnclaveDir();
    try {
      const keyFile = join(dir, '_sgx_mrenclave');
      writeFileSync(keyFile, Buffer.alloc(16, 4));
      const sealer = gramineSealer(keyFile);
      expect(Buffer.from(sealer.unseal('x', sealer.seal('x', Buffer.from('k')))).toString()).to.equal('k');
      writeFileSync(keyFile, Buffer.alloc(32, 4));
      expect(() => gramineSealer(keyFile)).to.throw(EcarError, /16-byte/);
      expect(() => gramineSealer(join(dir, 'absent'))).to.throw(EcarError, /gramine-sgx/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('gramineProvider', () => {
  it('writes report_data, reads the quote, and takes collateral from ECAR_COLLATERAL_FILE', () => {
    const dir = newEnclaveDir();
    try {
      const files = {
        type: join(dir, 'attestation_type'),
        userReportData: join(dir, 'user_report_data'),
        quote: join(dir, 'quote'),
      };
      writeFileSync(files.type, 'dcap');
      writeFileSync(files.quote, Buffer.from('quote-bytes'));
      writeFileSync(join(dir, 'collateral.json'), '{"tcb_info":"..."}');
      const provider = gramineProvider({ collateralFile: join(dir, 'collateral.json'), files });
      const evidence = provider.evidence(new Uint8Array(64).fill(3));
      expect(readFileSync(files.userReportData)).to.deep.equal(Buffer.alloc(64, 3));
      expect(Buffer.from(evidence.quote).toString()).to.equal('quote-bytes');
      expect(evidence).to.include({ provider: 'gramine', collateral: '{"tcb_info":"..."}' });
      writeFileSync(files.type, 'none');
      expect(() => provider.evidence(new Uint8Array(64))).to.throw(EcarError, /dcap/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('createDevelopmentPlatform / loadDevelopmentPlatform', () => {
  it('persists a platform whose evidence verifies under its development policy after loading', () => {
    const dir = newEnclaveDir();
    try {
      const file = join(dir, 'development-platform.json');
      const created = createDevelopmentPlatform(file, {
        validDays: 30,
        now: new Date('2026-03-01T00:00:00Z'),
      });
      expect(statSync(file).mode & 0o077).to.equal(0);
      expect(readFileSync(file, 'utf8')).to.include('DEVELOPMENT ONLY');
      const loaded = loadDevelopmentPlatform(file);
      expect(loaded.rootPublicKeyHex).to.equal(created.rootPublicKeyHex);
      const binding = {
        boxPub: new Uint8Array(32).fill(1),
        signPub: new Uint8Array(32).fill(2),
        channel: 'ecar',
        chaincode: 'ecar',
        mspId: 'Org1MSP',
      };
      const quote = loaded.quote({
        measurement: new Uint8Array(32).fill(5),
        reportData: enclaveReportData(binding),
        mrSigner: loaded.enclaveSigner,
        productId: 1,
        svn: 1,
      });
      const at = new Date('2026-03-20T00:00:00Z');
      const { verified } = verifyEvidence(quote, loaded.collateral(), developmentPolicy(loaded), {
        at,
        binding,
      });
      expect(verified.trustAnchor.simulated).to.equal(true);
      const production = { ...developmentPolicy(loaded), allowSimulated: false };
      expect(() => verifyEvidence(quote, loaded.collateral(), production, { at, binding })).to.throw(
        EcarError,
      );
      expect(() => createDevelopmentPlatform(file, { validDays: 0 })).to.throw(EcarError);
      expect(() => loadDevelopmentPlatform(join(dir, 'absent.json'))).to.throw(
        EcarError,
        /createDevelopmentPlatform/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('drives a runtime created from the configuration (simulated provider, chaincode measurement)', () => {
    const dir = newEnclaveDir();
    try {
      createDevelopmentPlatform(join(dir, 'platform.json'), { validDays: 30 });
      writeFileSync(join(dir, 'cpu-secret'), Buffer.alloc(32, 1));
      const runtime = createEnclaveRuntime(
        readEnclaveConfig({
          ECAR_ENCLAVE_DIR: dir,
          ECAR_SIMULATED_PLATFORM: join(dir, 'platform.json'),
          ECAR_SIMULATED_CPU_SECRET: join(dir, 'cpu-secret'),
          ECAR_MSP_ID: 'Org1MSP',
          ECAR_CHANNEL: 'ecar',
          ECAR_CHAINCODE: 'ecar',
          ECAR_CODE_ROOT: projectRoot(),
        }),
      );
      const evidence = runtime.enclaveEvidence();
      expect(evidence).to.include({ provider: 'simulated', mspId: 'Org1MSP' });
      expect(evidence.signingPublicKey).to.equal(
        Buffer.from(runtime.identity.signing.publicKey).toString('base64'),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('chaincodeMeasurement', () => {
  it('is the hash the network scripts version the chaincode with, over the built files in path order', () => {
    const root = newEnclaveDir();
    try {
      mkdirSync(join(root, 'dist', 'chaincode', 'src', 'b'), { recursive: true });
      mkdirSync(join(root, 'chaincode'));
      writeFileSync(join(root, 'dist', 'chaincode', 'src', 'index.js'), 'module.exports = {};');
      writeFileSync(join(root, 'dist', 'chaincode', 'src', 'b', 'x.js'), 'x');
      writeFileSync(join(root, 'chaincode', 'package.json'), '{"version":"0.1.0"}');
      writeFileSync(join(root, 'package-lock.json'), '{}');
      const digest = chaincodeMeasurement(root);
      expect(digest).to.match(/^[0-9a-f]{64}$/);
      expect(chaincodeBundle(root)).to.include({ hash: digest, version: `0.1.0-${digest.slice(0, 12)}` });
      writeFileSync(join(root, 'dist', 'chaincode', 'src', 'b', 'x.js'), 'y');
      expect(chaincodeMeasurement(root)).not.to.equal(digest);
      rmSync(join(root, 'dist'), { recursive: true });
      expect(() => chaincodeMeasurement(root)).to.throw(/not built/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('assertPlaintextMode', () => {
  it('refuses the plain contract unless ECAR_PLAINTEXT=1 (read once per process)', () => {
    if (process.env.ECAR_PLAINTEXT === '1') {
      expect(() => {
        assertPlaintextMode();
      }).not.to.throw();
    } else {
      expect(() => {
        assertPlaintextMode();
      })
        .to.throw(EcarError, 'plaintext mode is disabled: use the confidential contract')
        .with.property('code', 'FORBIDDEN');
    }
  });
});

describe('hasAdminNodeOu', () => {
  function certificate(ou: string): string {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const name = derSequence(
      derSet(derSequence(derOid('2.5.4.11'), derUtf8String(ou))),
      derSet(derSequence(derOid('2.5.4.3'), derUtf8String('Admin@org1.example.com'))),
    );
    const algorithm = derSequence(derOid('1.2.840.10045.4.3.2'));
    const tbs = derSequence(
      derExplicit(0, derInteger(2)),
      derInteger(7),
      algorithm,
      name,
      derSequence(derTimeValue(1_700_000_000), derTimeValue(1_900_000_000)),
      name,
      new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })),
    );
    const der = derSequence(tbs, algorithm, derBitString(new Uint8Array(sign('sha256', tbs, privateKey))));
    return `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64')}\n-----END CERTIFICATE-----\n`;
  }

  it('is true only for a certificate with OU=admin', () => {
    expect(hasAdminNodeOu(certificate('admin'))).to.equal(true);
    expect(hasAdminNodeOu(Buffer.from(certificate('admin')))).to.equal(true);
    expect(hasAdminNodeOu(certificate('client'))).to.equal(false);
    expect(hasAdminNodeOu(testCertificates().root)).to.equal(false);
    expect(hasAdminNodeOu('not a certificate')).to.equal(false);
  });
});
