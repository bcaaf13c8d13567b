// Makes the local network confidential: the development attestation platform and policy at set-up
// (simulated enclaves, clearly marked), and provisioning after every deploy — the genesis (policy and
// the operator role's wallet) approved by every org's admin, each org's enclave registered with its
// evidence by its own admin, the chaincode keys created, shared and vouched for by both orgs.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import {
  createDevelopmentPlatform,
  developmentPolicy,
  loadDevelopmentPlatform,
} from '../../../chaincode/src/protocol/attestation/simulated-platform-file';
import { parsePolicy, type AttestationPolicy } from '../../../chaincode/src/protocol/attestation';
import {
  attestationStatus,
  changePolicy,
  provision,
  rotateKeys,
  type AttestationReport,
  type PolicyChangeReport,
  type ProvisionReport,
  type ProvisioningOrg,
} from '../../../client/src/confidential';
import { openGateway } from '../../../client/src/fabric/gateway-connection';
import { readWalletInfo } from '../../../client/src/wallet/wallet-file';
import type { Progress } from '../progress';
import { enclavePaths } from './enclave-setup';
import { localIdentity } from './identities';
import { ensureRoleWallets, walletPaths } from './roles';
import type { Topology } from './topology';

/** How long the development root, PCK chain and collateral stay valid. */
const PLATFORM_VALID_DAYS = 365;

export const policyFile = (t: Topology): string => `${enclavePaths.root(t)}/development-policy.json`;

/** Creates the development platform and the policy that trusts it, once per network. */
export function ensureDevelopmentPlatform(t: Topology): void {
  const file = enclavePaths.platform(t);
  const platform = existsSync(file)
    ? loadDevelopmentPlatform(file)
    : createDevelopmentPlatform(file, { validDays: PLATFORM_VALID_DAYS });
  if (!existsSync(policyFile(t))) {
    writeFileSync(policyFile(t), `${JSON.stringify(developmentPolicy(platform), null, 2)}\n`);
  }
}

export function readNetworkPolicy(t: Topology): AttestationPolicy {
  return parsePolicy(JSON.parse(readFileSync(policyFile(t), 'utf8')) as unknown);
}

/** Runs `work` with a gateway connected as each org's Admin, through that org's own peer. */
async function asOrgAdmins<T>(t: Topology, work: (orgs: ProvisioningOrg[]) => Promise<T>): Promise<T> {
  const connections = t.orgs.map((org) => ({
    org,
    connection: openGateway(localIdentity(t, org.name, 'Admin')),
  }));
  try {
    return await work(
      connections.map(({ org, connection }) => ({
        mspId: org.mspId,
        network: connection.gateway.getNetwork(t.channel),
      })),
    );
  } finally {
    for (const { connection } of connections) connection.close();
  }
}

function onStep(progress: Progress) {
  return (step: { outcome: string; action: string; mspId: string; detail: string }): void => {
    if (step.outcome === 'done') progress.detail(`${step.action} (${step.mspId}): ${step.detail}`);
  };
}

/**
 * Approves the genesis (the network policy and the operator role's wallet, created here if missing),
 * registers enclaves, creates/shares keys and collects vouchers: only what is missing.
 */
export async function provisionConfidential(t: Topology, progress: Progress): Promise<ProvisionReport> {
  await ensureRoleWallets(t);
  const operator = readWalletInfo(walletPaths.wallet(t, 'operator')).callerId;
  return asOrgAdmins(t, (orgs) =>
    provision({
      chaincode: t.chaincode,
      orgs,
      policy: readNetworkPolicy(t),
      operator,
      onStep: onStep(progress),
    }),
  );
}

/** Opens a new key epoch (approved by every org, created by org1's enclave), shared and vouched for by every org. */
export async function rotateChaincodeKeys(t: Topology, progress: Progress): Promise<ProvisionReport> {
  return asOrgAdmins(t, (orgs) =>
    rotateKeys({ chaincode: t.chaincode, orgs, policy: readNetworkPolicy(t), onStep: onStep(progress) }),
  );
}

/** Proposes a policy as org1's admin and approves it as the other orgs' admins (majority rule). */
export async function changeNetworkPolicy(
  t: Topology,
  policy: AttestationPolicy,
): Promise<PolicyChangeReport> {
  return asOrgAdmins(t, async ([proposer, ...approvers]) => {
    if (!proposer) throw new Error('the network has no org');
    const report = await changePolicy({ chaincode: t.chaincode, proposer, approvers, policy });
    if (report.applied) writeFileSync(policyFile(t), `${JSON.stringify(policy, null, 2)}\n`);
    return report;
  });
}

/** Every registered enclave checked against the network's policy, as a client would. */
export async function enclaveReport(t: Topology): Promise<AttestationReport> {
  return asOrgAdmins(t, async ([first]) => {
    if (!first) throw new Error('the network has no org');
    return attestationStatus(
      { network: first.network, chaincode: t.chaincode },
      readNetworkPolicy(t),
      new Date(),
    );
  });
}
