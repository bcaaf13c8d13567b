// The consortium's attestation policy on the ledger (`policy/current`) and how it changes: the first
// policy comes with the genesis, which every founding org approves (genesis.ts); later ones are
// proposed by an org admin and apply once a majority of the consortium's orgs approved.
//
// Which orgs form the consortium: chaincode cannot read the channel configuration deterministically
// (system chaincodes are not reachable from it, and a config block read at endorsement is not checked
// again at commit), so the orgs are the founding orgs this enclave is configured with and those the
// ledger knows: every org with a registered enclave, every org that approved the current policy, and
// every org approving the proposal. A proposal needs more than half of them and at least the current
// policy's minOrgs (2 of 2 in the test network). The same rule approves key rotations.
import type { PolicyProposal, PolicyRecord } from '../protocol/confidential/api';
import { parsePolicy, requirePinnedPolicy, type AttestationPolicy } from '../protocol/attestation';
import { EcarError } from '../protocol/errors';
import {
  readRecord,
  requireOrgAdmin,
  setEvent,
  writeRecord,
  type EnclaveTx,
  type RawState,
} from './ledger-state';
import { registeredOrgs } from './registry';

export const POLICY_KEY = 'policy/current';
const proposalKey = (id: string): string => `policy/proposal/${id}`;

export interface CurrentPolicy {
  readonly record: PolicyRecord;
  readonly policy: AttestationPolicy;
}

export async function readPolicy(state: RawState): Promise<CurrentPolicy | undefined> {
  const raw = await readRecord(state, POLICY_KEY);
  if (raw === undefined) return undefined;
  const record = raw as unknown as PolicyRecord;
  return { record, policy: parsePolicy(record.policy) };
}

/** @throws EcarError NOT_INITIALIZED when no policy was set yet. */
export async function requirePolicy(state: RawState): Promise<CurrentPolicy> {
  const current = await readPolicy(state);
  if (current === undefined) {
    throw new EcarError(
      'NOT_INITIALIZED',
      'there is no attestation policy yet: every founding org admin must approve the genesis (approveGenesis)',
    );
  }
  return current;
}

export async function getPolicy(tx: EnclaveTx): Promise<PolicyRecord> {
  return (await requirePolicy(tx.state)).record;
}

export async function proposePolicy(
  tx: EnclaveTx,
  policyJson: unknown,
  founding: readonly string[],
): Promise<PolicyRecord | PolicyProposal> {
  requireOrgAdmin(tx.submitter, 'proposePolicy');
  const policy = parsePolicyArgument(policyJson);
  const current = await requirePolicy(tx.state);
  const proposal: PolicyProposal = {
    v: 1,
    id: tx.clock.txId,
    policy,
    proposedBy: tx.submitter.mspId,
    approvals: [tx.submitter.mspId],
    applied: false,
  };
  return decide(tx, current, proposal, founding);
}

export async function approvePolicy(
  tx: EnclaveTx,
  proposalId: unknown,
  founding: readonly string[],
): Promise<PolicyRecord | PolicyProposal> {
  requireOrgAdmin(tx.submitter, 'approvePolicy');
  if (typeof proposalId !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(proposalId)) {
    throw new EcarError('INVALID_ARGUMENT', 'the proposal id must be the id proposePolicy returned');
  }
  const raw = await readRecord(tx.state, proposalKey(proposalId));
  if (raw === undefined) throw new EcarError('NOT_FOUND', `no policy proposal '${proposalId}'`);
  const proposal = raw as unknown as PolicyProposal;
  if (proposal.applied) {
    throw new EcarError('INVALID_STATE', `policy proposal '${proposalId}' was applied already`);
  }
  const approvals = [...new Set([...proposal.approvals, tx.submitter.mspId])].sort();
  const current = await requirePolicy(tx.state);
  return decide(tx, current, { ...proposal, policy: parsePolicy(proposal.policy), approvals }, founding);
}

/**
 * How many distinct org approvals a consortium decision (policy change, key rotation) needs: more
 * than half of the known orgs (founding, registered, approving the current policy, approving this
 * decision), and at least the policy's minOrgs.
 */
export async function requiredApprovals(
  state: RawState,
  current: CurrentPolicy,
  approvals: readonly string[],
  founding: readonly string[],
): Promise<number> {
  const orgs = new Set([
    ...founding,
    ...(await registeredOrgs(state)),
    ...current.record.approvedBy,
    ...approvals,
  ]);
  return Math.max(Math.floor(orgs.size / 2) + 1, current.policy.minOrgs);
}

/** Applies the proposal when enough orgs approved it; stores it as pending otherwise. */
async function decide(
  tx: EnclaveTx,
  current: CurrentPolicy,
  proposal: PolicyProposal,
  founding: readonly string[],
): Promise<PolicyRecord | PolicyProposal> {
  const required = await requiredApprovals(tx.state, current, proposal.approvals, founding);
  if (proposal.approvals.length >= required) {
    await writeRecord(tx.state, proposalKey(proposal.id), { ...proposal, applied: true });
    return applyPolicy(tx, proposal.policy, current.record.version + 1, proposal.approvals);
  }
  await writeRecord(tx.state, proposalKey(proposal.id), proposal);
  setEvent(tx, 'PolicyProposed', { proposal: proposal.id });
  return proposal;
}

export async function applyPolicy(
  tx: EnclaveTx,
  policy: AttestationPolicy,
  version: number,
  approvedBy: readonly string[],
): Promise<PolicyRecord> {
  const record: PolicyRecord = {
    v: 1,
    version,
    policy,
    approvedBy: [...approvedBy].sort(),
    txId: tx.clock.txId,
  };
  await writeRecord(tx.state, POLICY_KEY, record);
  setEvent(tx, 'PolicyChanged', { version: String(version) });
  return record;
}

export function parsePolicyArgument(policyJson: unknown): AttestationPolicy {
  if (typeof policyJson !== 'string') throw new EcarError('INVALID_ARGUMENT', 'the policy must be JSON text');
  // the ledger's policy decides which enclaves get the keys: it must pin their code
  return requirePinnedPolicy(parsePolicy(policyJson));
}
