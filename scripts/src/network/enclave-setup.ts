// Per-org enclave material of the local network (development only): a folder for each enclave
// build's sealed files (sealing is bound to the measurement, so every build has its own) and a
// simulated "CPU" sealing secret per host, standing in for the SGX sealing key a real CPU derives.
// The simulated attestation platform (development root) lives beside them. Production uses
// Gramine's /dev/attestation instead (network/enclave/).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnclaveEvidence } from '../../../chaincode/src/protocol/confidential/api';
import { parseEnclaveEvidence } from '../../../client/src/confidential/records';
import { type PeerOrg, type Topology } from './topology';

export const enclavePaths = {
  root: (t: Topology) => join(t.stateDir, 'enclave'),
  platform: (t: Topology) => join(t.stateDir, 'enclave', 'development-platform.json'),
  org: (t: Topology, org: PeerOrg) => join(t.stateDir, 'enclave', org.name),
  cpuSecret: (t: Topology, org: PeerOrg) => join(t.stateDir, 'enclave', org.name, 'simulated-cpu-secret'),
  /** The sealed files of one build (measurement hex) of the org's enclave. */
  build: (t: Topology, org: PeerOrg, measurement: string) =>
    join(t.stateDir, 'enclave', org.name, `build-${measurement.slice(0, 16)}`),
};

/** Creates each org's enclave folder and simulated CPU secret once (kept across stop/start). */
export function ensureEnclaveFolders(t: Topology): void {
  for (const org of t.orgs) {
    mkdirSync(enclavePaths.org(t, org), { recursive: true, mode: 0o700 });
    const secret = enclavePaths.cpuSecret(t, org);
    if (!existsSync(secret)) writeFileSync(secret, randomBytes(32), { mode: 0o600 });
  }
}

/**
 * The environment that configures one org's enclave runtime of the build with this measurement
 * (read once by chaincode/src/enclave/config.ts).
 */
export function enclaveEnv(t: Topology, org: PeerOrg, measurement: string): Record<string, string> {
  const dir = enclavePaths.build(t, org, measurement);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return {
    ECAR_ENCLAVE_PROVIDER: 'simulated',
    ECAR_ENCLAVE_DIR: dir,
    ECAR_SIMULATED_PLATFORM: enclavePaths.platform(t),
    ECAR_SIMULATED_CPU_SECRET: enclavePaths.cpuSecret(t, org),
    ECAR_CODE_ROOT: t.root,
    ECAR_PLAINTEXT: t.plaintext ? '1' : '0',
    // every org of the topology founds the consortium: all must approve the genesis
    ECAR_FOUNDING_ORGS: foundingOrgs(t).join(','),
  };
}

/** The founding orgs of the network: every org of the topology (the same list on every enclave). */
export function foundingOrgs(t: Topology): string[] {
  return t.orgs.map((org) => org.mspId).sort();
}

/**
 * The evidence of the org's enclave of the built chaincode (measurement), from a one-off run of that
 * build's runtime on its own folder (dist/chaincode/src/enclave/evidence-main.js): its identity is
 * created and sealed there, and the chaincode server started later on the folder keeps it.
 *
 * @throws Error with the runtime's reason when the build cannot start its enclave.
 */
export function buildEvidence(t: Topology, org: PeerOrg, measurement: string): EnclaveEvidence {
  let out: string;
  try {
    out = execFileSync(
      process.execPath,
      [join(t.root, 'dist', 'chaincode', 'src', 'enclave', 'evidence-main.js')],
      {
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          ECAR_MSP_ID: org.mspId,
          ECAR_CHANNEL: t.channel,
          ECAR_CHAINCODE: t.chaincode,
          ...enclaveEnv(t, org, measurement),
        },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    throw new Error(
      `the enclave of ${org.name} for build ${measurement.slice(0, 12)} did not start: ${
        typeof stderr === 'string' && stderr.trim() !== '' ? stderr.trim() : String(error)
      }`,
    );
  }
  return parseEnclaveEvidence(JSON.parse(out) as unknown);
}
