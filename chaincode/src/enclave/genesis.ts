// The genesis (DESIGN section 4): the first attestation policy and the operator wallet, fixed by the
// founding orgs together, so no first caller owns the policy or the economy. Each founding org's
// admin approves the same genesis; it applies when every founding org this enclave is configured
// with approved it. An honest org's enclave enforces its own founding list, and the endorsement
// policy needs that org, so one org alone cannot pass a genesis. Keys: `genesis/proposal/<id>`
// (id = hash of the genesis), `genesis/current`.
import { canonicalJson, toJson } from '../protocol/json';
import { parsePolicy, requirePinnedPolicy } from '../protocol/attestation';
import {
  operatorCommitment,
  type Genesis,
  type GenesisProposal,
  type GenesisRecord,
} from '../protocol/confidential/api';
import { parseJsonObject, toHex } from '../protocol/confidential/encoding';
import { sha256 } from '../protocol/confidential/primitives';
import { EcarError } from '../protocol/errors';
import {
  readRecord,
  requireOrgAdmin,
  setEvent,
  writeRecord,
  type EnclaveTx,
  type RawState,
} from './ledger-state';
import { applyPolicy, readPolicy } from './policy-governance';

export const GENESIS_KEY = 'genesis/current';
const proposalKey = (id: string): string => `genesis/proposal/${id}`;
const GENESIS_DOMAIN = 'ecar/genesis/v1\n';
const COMMITMENT = /^[0-9a-f]{64}$/;

/**
 * approveGenesis: records the submitting founding org's approval of the genesis and applies it
 * (policy version 1 and the operator wallet) once every founding org approved the same one.
 *
 * @throws EcarError FORBIDDEN (not an org admin, or not a founding org), INVALID_ARGUMENT (genesis
 *   shape), ALREADY_EXISTS (a policy is in force: the genesis is over).
 */
export async function approveGenesis(
  tx: EnclaveTx,
  genesisJson: unknown,
  founding: readonly string[],
): Promise<GenesisProposal | GenesisRecord> {
  requireOrgAdmin(tx.submitter, 'approveGenesis');
  const mspId = tx.submitter.mspId;
  if (!founding.includes(mspId)) {
    throw new EcarError(
      'FORBIDDEN',
      `approveGenesis is allowed only for the founding orgs (${founding.join(', ')}), not ${mspId}`,
      { action: 'approveGenesis' },
    );
  }
  const genesis = parseGenesis(genesisJson);
  if ((await readPolicy(tx.state)) !== undefined) {
    throw new EcarError(
      'ALREADY_EXISTS',
      'the genesis is over (a policy is in force): change the policy with proposePolicy and approvePolicy, the operator with setParams',
    );
  }
  const id = genesisId(genesis);
  const stored = await readRecord(tx.state, proposalKey(id));
  const before = Array.isArray(stored?.approvals)
    ? stored.approvals.filter((a) => typeof a === 'string')
    : [];
  const approvals = [...new Set([...before, mspId])].sort();
  const missing = founding.filter((org) => !approvals.includes(org));
  if (missing.length > 0) {
    const proposal: GenesisProposal = { v: 1, id, ...genesis, approvals, missing };
    await writeRecord(tx.state, proposalKey(id), proposal);
    setEvent(tx, 'GenesisApproved', { genesis: id, mspId });
    return proposal;
  }
  const record: GenesisRecord = { v: 1, id, ...genesis, approvedBy: [...founding], txId: tx.clock.txId };
  await writeRecord(tx.state, proposalKey(id), { v: 1, id, ...genesis, approvals, missing });
  await writeRecord(tx.state, GENESIS_KEY, record);
  await applyPolicy(tx, genesis.policy, 1, founding);
  return record;
}

export async function readGenesis(state: RawState): Promise<GenesisRecord | undefined> {
  const raw = await readRecord(state, GENESIS_KEY);
  return raw === undefined ? undefined : (raw as unknown as GenesisRecord);
}

/** @throws EcarError NOT_INITIALIZED before the genesis applied. */
export async function getGenesis(tx: EnclaveTx): Promise<GenesisRecord> {
  const record = await readGenesis(tx.state);
  if (record === undefined) {
    throw new EcarError(
      'NOT_INITIALIZED',
      'there is no genesis yet: every founding org admin must approve the same genesis (approveGenesis)',
    );
  }
  return record;
}

/**
 * Whether `callerId` is the operator wallet the genesis fixed (undefined before it applied): the
 * domain's initialize accepts only it.
 */
export async function isGenesisOperator(state: RawState, callerId: string): Promise<boolean | undefined> {
  const genesis = await readGenesis(state);
  return genesis === undefined ? undefined : genesis.operatorCommitment === operatorCommitment(callerId);
}

function parseGenesis(input: unknown): Genesis {
  if (typeof input !== 'string') throw new EcarError('INVALID_ARGUMENT', 'the genesis must be JSON text');
  const raw = parseJsonObject(input, 'genesis', 'INVALID_ARGUMENT');
  for (const key of Object.keys(raw)) {
    if (key !== 'policy' && key !== 'operatorCommitment') {
      throw new EcarError(
        'INVALID_ARGUMENT',
        `the genesis has an unknown field '${key}' (known: policy, operatorCommitment)`,
      );
    }
  }
  if (typeof raw.operatorCommitment !== 'string' || !COMMITMENT.test(raw.operatorCommitment)) {
    throw new EcarError(
      'INVALID_ARGUMENT',
      "the genesis operatorCommitment must be 64 lowercase hex digits (operatorCommitment of the operator's wallet id)",
      { field: 'operatorCommitment' },
    );
  }
  return { policy: requirePinnedPolicy(parsePolicy(raw.policy)), operatorCommitment: raw.operatorCommitment };
}

function genesisId(genesis: Genesis): string {
  return toHex(sha256(GENESIS_DOMAIN, canonicalJson(toJson(genesis))));
}
