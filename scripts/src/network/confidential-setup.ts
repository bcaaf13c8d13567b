// Makes the local network confidential: the development attestation platform and policy at set-up
// (simulated enclaves, clearly marked; the policy pins the built chaincode's measurement), and
// provisioning after every deploy — the genesis (policy and the operator role's wallet) approved by
// every org's admin, each org's enclave registered with its evidence by its own admin, the chaincode
// keys created, shared and vouched for by both orgs. An upgrade admits the new build before the
// lifecycle switches (policy, registration, recorded key sharing) and retires the old one after.
import { CONFIDENTIAL_CONTRACT, Confidential } from '../../../chaincode/src/protocol/confidential/api';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { chaincodeMeasurement } from '../../../chaincode/src/protocol/attestation/measurement';
import {
  createDevelopmentPlatform,
  developmentPolicy,
  loadDevelopmentPlatform,
} from '../../../chaincode/src/enclave/simulated-platform-file';
import { parsePolicy, type AttestationPolicy } from '../../../chaincode/src/protocol/attestation';
import {
  attestationStatus,
  changePolicy,
  provision,
  registerEvidence,
  rotateKeys,
  shareKeysTo,
  type AttestationReport,
  type PolicyChangeReport,
  type ProvisionReport,
  type ProvisioningOrg,
} from '../../../client/src/confidential';
import { openGateway } from '../../../client/src/fabric/gateway-connection';
import { readWalletInfo } from '../../../client/src/wallet/wallet-file';
import type { Progress } from '../progress';
import { buildEvidence, enclavePaths } from './enclave-setup';
import { localIdentity } from './identities';
import { ensureRoleWallets, walletPaths } from './roles';
import type { Topology } from './topology';

/** How long the development root, PCK chain and collateral stay valid. */
const PLATFORM_VALID_DAYS = 365;

export const policyFile = (t: Topology): string => `${enclavePaths.root(t)}/development-policy.json`;

/**
 * Creates the development platform and the policy that trusts it, once per network. The policy pins
 * the measurement of the chaincode built now (no signer rule: a build signed by the development
 * signer but never admitted by the orgs is not trusted); `deploy` admits each upgrade.
 */
export function ensureDevelopmentPlatform(t: Topology): void {
  const file = enclavePaths.platform(t);
  const platform = existsSync(file)
    ? loadDevelopmentPlatform(file)
    : createDevelopmentPlatform(file, { validDays: PLATFORM_VALID_DAYS });
  if (!existsSync(policyFile(t))) {
    const policy = developmentPolicy(platform, {
      measurements: [chaincodeMeasurement(t.root)],
      signers: [],
    });
    writeFileSync(policyFile(t), `${JSON.stringify(policy, null, 2)}\n`);
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

/**
 * Admits the built chaincode (measurement) while the running build still serves: adds its
 * measurement to the policy (proposed and approved by the org admins), registers each org's enclave
 * of the new build from that build's own evidence, and has the first org's running enclave share the
 * current keys to them. Only then may the lifecycle switch: the new servers start as registered
 * enclaves with a wrap waiting, and state stays readable throughout.
 */
export async function admitBuild(t: Topology, measurement: string, progress: Progress): Promise<void> {
  const policy = readNetworkPolicy(t);
  if (policy.measurements.length > 0 && !policy.measurements.includes(measurement)) {
    await changeNetworkPolicy(t, { ...policy, measurements: [...policy.measurements, measurement] });
    progress.detail(`policy admits build ${measurement.slice(0, 12)}… (approved by the org admins)`);
  }
  const before = await enclaveReport(t);
  await asOrgAdmins(t, async (orgs) => {
    const ids: string[] = [];
    for (const [index, org] of t.orgs.entries()) {
      const admin = orgs[index];
      if (admin === undefined) throw new Error(`no admin gateway for ${org.name}`);
      const record = await registerEvidence(admin, t.chaincode, buildEvidence(t, org, measurement), orgs);
      ids.push(record.id);
      progress.detail(`registered ${org.mspId}'s enclave ${record.id.slice(0, 12)}… of the new build`);
    }
    const holders = new Set(before.enclaves.filter((e) => e.holdsKeys).map((e) => e.id));
    const missing = ids.filter((id) => !holders.has(id));
    const [sharer] = orgs;
    if (before.currentEpoch < 1 || missing.length === 0 || sharer === undefined) return;
    await shareKeysTo({ chaincode: t.chaincode, sharer, enclaveIds: missing, everyOrg: orgs });
    progress.detail(`epoch ${before.currentEpoch} shared to the new build's enclaves by ${sharer.mspId}`);
  });
}

/**
 * Retires every build but `measurement` after the lifecycle switched to it: the policy keeps only
 * its measurement and the keys rotate, so the old enclaves stay in the registry but hold no current
 * epoch (clients list them as harmless warnings) and can read no request sealed from now on. A
 * policy that pins no measurement (signer rule) cannot retire a build and is left alone.
 */
export async function retireOtherBuilds(
  t: Topology,
  measurement: string,
  progress: Progress,
): Promise<ProvisionReport | undefined> {
  const policy = readNetworkPolicy(t);
  if (policy.measurements.length === 0) {
    progress.detail('the policy pins no measurement: old builds cannot be retired by policy');
    return undefined;
  }
  if (policy.measurements.length === 1 && policy.measurements[0] === measurement) return undefined;
  await changeNetworkPolicy(t, { ...policy, measurements: [measurement] });
  progress.detail(`policy trusts only build ${measurement.slice(0, 12)}… now`);
  const rotated = await rotateChaincodeKeys(t, progress);
  progress.detail(`keys rotated to epoch ${rotated.epoch}: the retired build holds no current keys`);
  return rotated;
}

/** What pruneNonces removed. */
export interface PruneReport {
  readonly removed: number;
  readonly buckets: number;
  readonly next: number;
}

/**
 * Removes the nonce records of requests that expired more than twice the clock skew ago, as org1's admin (a
 * submit endorsed by every org's enclave). Safe to run at any time, for example daily.
 */
export async function pruneNonceRecords(t: Topology): Promise<PruneReport> {
  return asOrgAdmins(t, async ([first]) => {
    if (first === undefined) throw new Error('the topology has no org');
    const contract = first.network.getContract(t.chaincode, CONFIDENTIAL_CONTRACT);
    const bytes = await contract.submitTransaction(Confidential.pruneNonces);
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as PruneReport;
  });
}
