// Key rotation is a consortium decision (DESIGN section 4): an org admin proposes the next epoch,
// other orgs' admins approve, and once the majority rule of policy-governance.ts holds the epoch may
// be created and published. Epoch 1 needs no rotation (the genesis came first). Keys:
// `rotation/proposal/<id>`, `rotation/approved/<epoch>`.
import type { RotationProposal } from '../protocol/confidential/api';
import { EcarError } from '../protocol/errors';
import {
  readRecord,
  requireOrgAdmin,
  setEvent,
  writeRecord,
  type EnclaveTx,
  type RawState,
} from './ledger-state';
import { requiredApprovals, requirePolicy } from './policy-governance';

const proposalKey = (id: string): string => `rotation/proposal/${id}`;
const approvedKey = (epoch: number): string => `rotation/approved/${epoch}`;

/** proposeRotation: proposes `currentEpoch + 1`; counts as the proposing org's approval. */
export async function proposeRotation(
  tx: EnclaveTx,
  currentEpoch: number,
  founding: readonly string[],
): Promise<RotationProposal> {
  requireOrgAdmin(tx.submitter, 'proposeRotation');
  if (currentEpoch === 0) {
    throw new EcarError(
      'INVALID_STATE',
      'there are no keys to rotate yet: create the first epoch (createKeys)',
    );
  }
  const proposal: RotationProposal = {
    v: 1,
    id: tx.clock.txId,
    epoch: currentEpoch + 1,
    proposedBy: tx.submitter.mspId,
    approvals: [tx.submitter.mspId],
    approved: false,
  };
  return decide(tx, proposal, founding);
}

/** approveRotation: adds the submitting org's approval; the proposal must still be for the next epoch. */
export async function approveRotation(
  tx: EnclaveTx,
  proposalId: unknown,
  currentEpoch: number,
  founding: readonly string[],
): Promise<RotationProposal> {
  requireOrgAdmin(tx.submitter, 'approveRotation');
  if (typeof proposalId !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(proposalId)) {
    throw new EcarError('INVALID_ARGUMENT', 'the proposal id must be the id proposeRotation returned');
  }
  const stored = (await readRecord(tx.state, proposalKey(proposalId))) as RotationProposal | undefined;
  if (stored === undefined) throw new EcarError('NOT_FOUND', `no rotation proposal '${proposalId}'`);
  if (stored.epoch !== currentEpoch + 1) {
    throw new EcarError(
      'INVALID_STATE',
      `rotation proposal '${proposalId}' is for epoch ${stored.epoch}; the next epoch is ${currentEpoch + 1}: propose again`,
    );
  }
  const approvals = [...new Set([...stored.approvals, tx.submitter.mspId])].sort();
  return decide(tx, { ...stored, approvals }, founding);
}

/**
 * When a majority approved publishing `epoch` (0 for epoch 1, which needs no rotation).
 *
 * @throws EcarError FORBIDDEN unless a majority approved it.
 */
export async function requireRotationApproved(state: RawState, epoch: number): Promise<number> {
  if (epoch === 1) return 0;
  const approved = await readRecord(state, approvedKey(epoch));
  if (approved === undefined) {
    throw new EcarError(
      'FORBIDDEN',
      `key epoch ${epoch} needs a rotation approved by a majority of the orgs: proposeRotation, then approveRotation by other orgs' admins`,
      { action: 'rotateKeys', epoch },
    );
  }
  return typeof approved.approvedAt === 'number' ? approved.approvedAt : 0;
}

async function decide(
  tx: EnclaveTx,
  proposal: RotationProposal,
  founding: readonly string[],
): Promise<RotationProposal> {
  const current = await requirePolicy(tx.state);
  const required = await requiredApprovals(tx.state, current, proposal.approvals, founding);
  const approved = proposal.approvals.length >= required;
  const next: RotationProposal = { ...proposal, approved };
  await writeRecord(tx.state, proposalKey(proposal.id), next);
  if (approved) {
    await writeRecord(tx.state, approvedKey(proposal.epoch), {
      epoch: proposal.epoch,
      proposal: proposal.id,
      approvedBy: proposal.approvals,
      txId: tx.clock.txId,
      approvedAt: tx.clock.nowMs,
    });
  }
  setEvent(tx, approved ? 'RotationApproved' : 'RotationProposed', {
    proposal: proposal.id,
    epoch: String(proposal.epoch),
  });
  return next;
}
