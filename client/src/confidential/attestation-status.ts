// The data behind `ecar attest status`: reads the registry and key status through a gateway and judges
// them with the caller's policy, reporting every enclave, org, measurement, TCB status and epoch.
import type { AttestationPolicy } from '../../../chaincode/src/protocol/attestation';
import { CONFIDENTIAL_CONTRACT } from '../../../chaincode/src/protocol/confidential/api';
import { assessEnclaveSet, type AttestationReport } from './enclave-verifier';
import type { NetworkPort } from './gateway-ports';
import { publicReads, readOrgsKeyStatus, readOrgsRegistry } from './org-reads';
import { statementTrustFailures } from './statement-trust';

export interface AttestationTarget {
  readonly network: NetworkPort;
  readonly chaincode: string;
  /** Distinct vouching orgs required; default 2 (at least policy.minOrgs). */
  readonly minOrgs?: number;
}

/**
 * The detailed attestation report of a deployment as this policy sees it. Never throws for an
 * untrusted set (`trusted` and `failures` say why); throws only when the ledger cannot be read.
 *
 * @example
 * const report = await attestationStatus({ network, chaincode: 'ecar' }, profile.policy, new Date());
 * @throws EnclaveTrustError when a peer of an org with enclaves does not answer or disagrees on the
 *   current epoch; EcarError / GatewayError when the registry cannot be read or parsed.
 */
export async function attestationStatus(
  target: Readonly<AttestationTarget>,
  policy: AttestationPolicy,
  now: Date,
): Promise<AttestationReport> {
  const contract = target.network.getContract(target.chaincode, CONFIDENTIAL_CONTRACT);
  const read = publicReads(contract);
  // the same reads as the client's trust decision: the key status from a peer of every org
  const channel = target.network.getName();
  const asked = await readOrgsKeyStatus(read, { channel, chaincode: target.chaincode });
  const report = assessEnclaveSet({
    channel,
    chaincode: target.chaincode,
    registry: await readOrgsRegistry(read, asked),
    keyStatus: asked.keyStatus,
    policy,
    now,
    ...(target.minOrgs === undefined ? {} : { minOrgs: target.minOrgs }),
  });
  // the signed key status must rest on accepted enclaves of as many orgs as the vouchers
  const unsigned = statementTrustFailures(asked.statements, report.enclaves, report.requiredOrgs);
  if (unsigned.length === 0) return report;
  const untrusted: AttestationReport = {
    ...report,
    trusted: false,
    failures: [...report.failures, ...unsigned],
  };
  delete (untrusted as { expiresAt?: string }).expiresAt;
  return untrusted;
}
