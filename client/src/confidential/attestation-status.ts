// The data behind `ecar attest status`: reads the registry and key status through a gateway and judges
// them with the caller's policy, reporting every enclave, org, measurement, TCB status and epoch.
import type { AttestationPolicy } from '../../../chaincode/src/protocol/attestation';
import { CONFIDENTIAL_CONTRACT, Confidential } from '../../../chaincode/src/protocol/confidential/api';
import { decodeResult, toLedgerError } from '../fabric/ledger-client';
import { assessEnclaveSet, type AttestationReport } from './enclave-verifier';
import type { NetworkPort } from './gateway-ports';
import { parseKeyStatus, parseRegistryRecords } from './records';

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
 * @throws EcarError / GatewayError when the registry or the key status cannot be read or parsed.
 */
export async function attestationStatus(
  target: Readonly<AttestationTarget>,
  policy: AttestationPolicy,
  now: Date,
): Promise<AttestationReport> {
  const contract = target.network.getContract(target.chaincode, CONFIDENTIAL_CONTRACT);
  const read = async (name: string): Promise<ReturnType<typeof decodeResult>> => {
    try {
      return decodeResult(await contract.evaluateTransaction(name));
    } catch (error) {
      throw toLedgerError(error);
    }
  };
  const [registry, keyStatus] = await Promise.all([
    read(Confidential.enclaves),
    read(Confidential.keyStatus),
  ]);
  return assessEnclaveSet({
    channel: target.network.getName(),
    chaincode: target.chaincode,
    registry: parseRegistryRecords(registry),
    keyStatus: parseKeyStatus(keyStatus),
    policy,
    now,
    ...(target.minOrgs === undefined ? {} : { minOrgs: target.minOrgs }),
  });
}
