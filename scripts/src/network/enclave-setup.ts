// Per-org enclave material of the local network (development only): a folder for each enclave
// instance's sealed files and a simulated "CPU" sealing secret per host, standing in for the SGX
// sealing key a real CPU derives. The simulated attestation platform (development root) lives
// beside them. Production uses Gramine's /dev/attestation instead (network/enclave/).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type PeerOrg, type Topology } from './topology';

export const enclavePaths = {
  root: (t: Topology) => join(t.stateDir, 'enclave'),
  platform: (t: Topology) => join(t.stateDir, 'enclave', 'development-platform.json'),
  org: (t: Topology, org: PeerOrg) => join(t.stateDir, 'enclave', org.name),
  cpuSecret: (t: Topology, org: PeerOrg) => join(t.stateDir, 'enclave', org.name, 'simulated-cpu-secret'),
};

/** Creates each org's enclave folder and simulated CPU secret once (kept across stop/start). */
export function ensureEnclaveFolders(t: Topology): void {
  for (const org of t.orgs) {
    mkdirSync(enclavePaths.org(t, org), { recursive: true, mode: 0o700 });
    const secret = enclavePaths.cpuSecret(t, org);
    if (!existsSync(secret)) writeFileSync(secret, randomBytes(32), { mode: 0o600 });
  }
}

/** The environment that configures one org's enclave runtime (read once by chaincode/src/enclave/config.ts). */
export function enclaveEnv(t: Topology, org: PeerOrg): Record<string, string> {
  return {
    ECAR_ENCLAVE_PROVIDER: 'simulated',
    ECAR_ENCLAVE_DIR: enclavePaths.org(t, org),
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
