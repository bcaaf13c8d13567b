// Makes the local network confidential: the development attestation platform and policy at set-up
// (simulated enclaves, clearly marked), and provisioning after every deploy — each org's enclave
// registered with its evidence, the chaincode keys created, shared and vouched for by both orgs.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import {
  createDevelopmentPlatform,
  developmentPolicy,
  loadDevelopmentPlatform,
} from '../../../chaincode/src/protocol/attestation/simulated-platform-file';
import { parsePolicy, type AttestationPolicy } from '../../../chaincode/src/protocol/attestation';
import { provision, type ProvisionReport } from '../../../client/src/confidential';
import { openGateway } from '../../../client/src/fabric/gateway-connection';
import type { Progress } from '../progress';
import { enclavePaths } from './enclave-setup';
import { localIdentity } from './identities';
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

/** Registers enclaves, creates/shares keys and collects vouchers: only what is missing. */
export async function provisionConfidential(t: Topology, progress: Progress): Promise<ProvisionReport> {
  const connections = t.orgs.map((org) => ({
    org,
    connection: openGateway(localIdentity(t, org.name, 'Admin')),
  }));
  try {
    return await provision({
      chaincode: t.chaincode,
      orgs: connections.map(({ org, connection }) => ({
        mspId: org.mspId,
        network: connection.gateway.getNetwork(t.channel),
      })),
      policy: readNetworkPolicy(t),
      onStep: (step) => {
        if (step.outcome === 'done') progress.detail(`${step.action} (${step.mspId}): ${step.detail}`);
      },
    });
  } finally {
    for (const { connection } of connections) connection.close();
  }
}
