// Judges the signers of the key status statements: each must be an enclave the client accepted under
// its own policy (attested for the org it names), and they must span the orgs the policy needs. A
// statement signed by an unknown or rejected enclave counts for nothing and fails the decision closed.
import type { KeyStatusStatement } from '../../../chaincode/src/protocol/confidential/key-status-statement';
import type { EnclaveTrust } from './enclave-verifier';
import { EnclaveTrustError, type TrustFailure } from './trust-error';

const short = (id: string): string => `${id.slice(0, 8)}…`;

/** Every reason the statements do not rest on attested enclaves of enough distinct orgs (empty: they do). */
export function statementTrustFailures(
  statements: readonly KeyStatusStatement[],
  enclaves: readonly EnclaveTrust[],
  minOrgs: number,
): TrustFailure[] {
  const failures: TrustFailure[] = [];
  const orgs = new Set<string>();
  for (const statement of statements) {
    const fail = (reason: string): void => {
      failures.push({
        code: 'KEYS_UNAVAILABLE',
        subject: `signed key status from ${statement.mspId}`,
        reason,
        enclave: statement.enclave,
        mspId: statement.mspId,
        rule: 'key-status-statement',
      });
    };
    const signer = enclaves.find((enclave) => enclave.id === statement.enclave);
    if (signer === undefined) {
      fail(`it is signed by enclave ${short(statement.enclave)}, which is not in the registry you verified`);
    } else if (signer.mspId !== statement.mspId) {
      fail(`it is signed by enclave ${short(signer.id)}, which is attested for ${signer.mspId}`);
    } else if (!signer.accepted) {
      fail(`it is signed by enclave ${short(signer.id)}, which your policy does not accept`);
    } else {
      orgs.add(signer.mspId);
    }
  }
  if (orgs.size < minOrgs) {
    const named = [...orgs].sort();
    failures.push({
      code: 'KEYS_UNAVAILABLE',
      subject: 'signed key status',
      reason: `attested enclaves of ${named.length} org${named.length === 1 ? '' : 's'}${named.length > 0 ? ` (${named.join(', ')})` : ''} signed the key status, the policy needs ${minOrgs}`,
      rule: 'key-status-statement',
    });
  }
  return failures;
}

/**
 * @throws EnclaveTrustError KEYS_UNAVAILABLE (rule key-status-statement) unless attested enclaves
 *   of at least `minOrgs` distinct orgs signed the statements and every signer is accepted.
 */
export function requireAttestedStatements(
  statements: readonly KeyStatusStatement[],
  enclaves: readonly EnclaveTrust[],
  minOrgs: number,
): void {
  const failures = statementTrustFailures(statements, enclaves, minOrgs);
  if (failures.length > 0) throw new EnclaveTrustError(failures);
}
