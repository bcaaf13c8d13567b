// The cast of the local test network: for each role a Fabric identity (gateway access) and an
// encrypted wallet (the identity the ledger knows in confidential mode). Wallets are created once
// per network with a random passphrase kept beside them (0600), like cryptogen's keys: a local
// development convenience, not how real users keep theirs (they choose a passphrase: ecar wallet create).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeProfile } from '../../../client/src/profile/profile';
import { createWallet } from '../../../client/src/wallet/wallet-file';
import { policyFile } from './confidential-setup';
import { localIdentityFiles, type OrgName } from './identities';
import type { Topology } from './topology';

export const ROLES = ['operator', 'issuer', 'auditor', 'backend', 'host', 'driver'] as const;
export type Role = (typeof ROLES)[number];

/** Which cryptogen user each role connects to the gateway as. */
export const ROLE_IDENTITIES: Readonly<Record<Role, { readonly org: OrgName; readonly user: string }>> = {
  operator: { org: 'org1', user: 'User1' },
  issuer: { org: 'org2', user: 'User1' },
  auditor: { org: 'org2', user: 'User2' },
  backend: { org: 'org1', user: 'User4' },
  host: { org: 'org1', user: 'User2' },
  driver: { org: 'org2', user: 'User3' },
};

export const walletPaths = {
  dir: (t: Topology) => join(t.stateDir, 'wallets'),
  wallet: (t: Topology, role: Role) => join(t.stateDir, 'wallets', `${role}.wallet.json`),
  passphrase: (t: Topology) => join(t.stateDir, 'wallets', 'passphrase'),
  /** ECAR_HOME of the generated CLI profiles. */
  ecarHome: (t: Topology) => join(t.stateDir, 'ecar-home'),
};

/** The local network's wallet passphrase (created on first use). */
export function networkWalletPassphrase(t: Topology): string {
  const file = walletPaths.passphrase(t);
  if (!existsSync(file)) {
    mkdirSync(walletPaths.dir(t), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

/** Creates the wallet of every role that has none yet. */
export async function ensureRoleWallets(t: Topology): Promise<void> {
  const passphrase = networkWalletPassphrase(t);
  for (const role of ROLES) {
    const file = walletPaths.wallet(t, role);
    // throw-away wallets of a local test network: the low scrypt cost is marked in each file
    if (!existsSync(file)) await createWallet(file, passphrase, { lowCostForTests: true });
  }
}

/** Writes one `ecar` CLI profile per role (confidential mode, the role's wallet); default: driver. */
export function writeRoleProfiles(t: Topology): string {
  let config = '';
  for (const role of ROLES) {
    const { org, user } = ROLE_IDENTITIES[role];
    const files = localIdentityFiles(t, org, user);
    config = writeProfile({
      home: walletPaths.ecarHome(t),
      name: role,
      makeDefault: role === 'driver',
      settings: {
        ...files,
        channel: t.channel,
        chaincode: t.chaincode,
        mode: 'confidential',
        policy: policyFile(t),
        wallet: walletPaths.wallet(t, role),
      },
    });
  }
  return config;
}
