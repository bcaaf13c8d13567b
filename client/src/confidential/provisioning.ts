// The operators' flow after a deploy (DESIGN section 4), idempotent: the genesis (first policy and
// operator wallet) approved by every founding org, every org's enclave registered, the chaincode keys
// created, shared and vouched for by every org's enclave; key rotation approved by a majority; and
// policy changes by the consortium. Each org acts through its own Admin gateway.
import { GatewayError } from '@hyperledger/fabric-gateway';
import { canonicalJson } from '../../../chaincode/src/protocol/json';
import type { JsonValue } from '../../../chaincode/src/protocol/json';
import type { AttestationPolicy } from '../../../chaincode/src/protocol/attestation';
import {
  CONFIDENTIAL_CONTRACT,
  Confidential,
  operatorCommitment,
  type EnclaveEvidence,
  type KeyStatus,
  type PolicyProposal,
  type PolicyRecord,
  type RegistryRecord,
  type RotationProposal,
} from '../../../chaincode/src/protocol/confidential/api';
import { fromB64, toHex } from '../../../chaincode/src/protocol/confidential/encoding';
import {
  parseKeyRecord,
  parseKeyWrap,
  parseVoucher,
  type KeyRecord,
  type KeyWrap,
} from '../../../chaincode/src/protocol/confidential/key-record';
import { EcarError, type ErrorCode } from '../../../chaincode/src/protocol/errors';
import { decodeResult, toLedgerError } from '../fabric/ledger-client';
import { assessEnclaveSet, DEFAULT_MIN_ORGS, type AttestationReport } from './enclave-verifier';
import type { ContractPort, NetworkPort } from './gateway-ports';
import {
  parseEnclaveEvidence,
  parseKeyStatus,
  parsePolicyProposal,
  parsePolicyRecord,
  parseRegistryRecords,
} from './records';

/** One org as the operator drives it: a gateway connected as that org's Admin, to that org's peer. */
export interface ProvisioningOrg {
  readonly mspId: string;
  readonly network: NetworkPort;
}

export interface ProvisionOptions {
  readonly chaincode: string;
  /** Every org with an enclave; the first one creates the keys. */
  readonly orgs: readonly ProvisioningOrg[];
  /** The policy of the genesis (when the ledger has none) and to check the result against. */
  readonly policy: AttestationPolicy;
  /**
   * The operator's wallet id (`w:` + hex) the genesis fixes; needed only while the ledger has no
   * policy. Every org given approves the genesis (they are the founding orgs, as each enclave's
   * ECAR_FOUNDING_ORGS must say).
   */
  readonly operator?: string;
  /** Distinct vouching orgs the final check requires; default 2 (at least policy.minOrgs). */
  readonly minOrgs?: number;
  readonly clock?: () => Date;
  /** Called after each step (progress output of the network scripts). */
  readonly onStep?: (step: ProvisionStep) => void;
}

export type ProvisionAction =
  | 'approveGenesis'
  | 'registerEnclave'
  | 'approveRotation'
  | 'createKeys'
  | 'shareKeys'
  | 'recordVoucher'
  | 'checkPolicy'
  | 'readLedger';

export interface ProvisionStep {
  readonly action: ProvisionAction;
  readonly mspId: string;
  readonly outcome: 'done' | 'skipped';
  readonly detail: string;
}

export interface ProvisionReport {
  readonly channel: string;
  readonly chaincode: string;
  readonly epoch: number;
  /** Each org's enclave id (hex of its identity key). */
  readonly enclaves: Readonly<Record<string, string>>;
  readonly steps: readonly ProvisionStep[];
  /** The result checked as a client with `policy` would check it; `trusted` is true on return. */
  readonly status: AttestationReport;
}

/** A step failed; `steps` lists what was done before it, `code` is the cause's. */
export class ProvisioningError extends EcarError {
  readonly steps: readonly ProvisionStep[];
  readonly mspId: string;

  constructor(code: ErrorCode, message: string, mspId: string, steps: readonly ProvisionStep[]) {
    super(code, message, { mspId, stepsDone: steps.length });
    this.name = 'ProvisioningError';
    this.steps = steps;
    this.mspId = mspId;
  }
}

/**
 * Brings the confidential contract to a working state, doing only what is missing: approveGenesis by
 * every org's admin (when there is no policy) → registerEnclave for each org whose current evidence
 * is not registered → createKeys on the first org + publishKeys (when no epoch is current) →
 * shareKeys (a transaction every org endorses) for enclaves of the orgs without a wrap → vouchKeys +
 * recordVoucher for each org's enclave that has not vouched → a final check of the whole set with
 * `policy`.
 *
 * @example
 * const report = await provision({ chaincode: 'ecar', orgs: [org1Admin, org2Admin], policy });
 * @throws ProvisioningError naming the org and step that failed, with the steps done before it.
 */
export async function provision(options: Readonly<ProvisionOptions>): Promise<ProvisionReport> {
  const run = new Provisioning(options);
  await run.ensureGenesis();
  await run.registerAll();
  await run.ensureKeys({ rotate: false });
  await run.shareMissing();
  await run.vouchAll();
  return run.finish();
}

/**
 * Starts a new key epoch: the first org's admin proposes the rotation and the others approve it until
 * a majority did, then the first org's enclave creates it (wrapped to every enclave it verified) and
 * it is shared and vouched for as `provision` does. Requests sealed to the old epoch are refused afterwards;
 * clients re-verify because the key status changed.
 *
 * @throws ProvisioningError as provision.
 */
export async function rotateKeys(options: Readonly<ProvisionOptions>): Promise<ProvisionReport> {
  const run = new Provisioning(options);
  await run.registerAll();
  await run.approveRotation();
  await run.ensureKeys({ rotate: true });
  await run.shareMissing();
  await run.vouchAll();
  return run.finish();
}

export interface PolicyChangeOptions {
  readonly chaincode: string;
  /** The org admin proposing (its proposal counts as its approval). */
  readonly proposer: ProvisioningOrg;
  /** Other orgs' admins approving, in order, until the ledger applies the policy. */
  readonly approvers: readonly ProvisioningOrg[];
  readonly policy: AttestationPolicy;
}

export interface PolicyChangeReport {
  readonly proposalId?: string;
  readonly approvals: readonly string[];
  /** The policy record in force afterwards. */
  readonly applied: boolean;
  readonly record?: PolicyRecord;
}

/**
 * Proposes a policy and has other orgs approve it until a majority applied it.
 *
 * @throws EcarError FORBIDDEN when an identity is not an org admin; INVALID_STATE when the approvers
 *   given were not enough (the proposal stays pending, `proposalId` in details).
 */
export async function changePolicy(options: Readonly<PolicyChangeOptions>): Promise<PolicyChangeReport> {
  const policyText = JSON.stringify(options.policy);
  const everyOrg = [options.proposer, ...options.approvers];
  const as = (org: ProvisioningOrg): Submission => ({ org, chaincode: options.chaincode, everyOrg });
  let answer = policyAnswer(await submit(as(options.proposer), Confidential.proposePolicy, policyText));
  if ('version' in answer) return { approvals: answer.approvedBy, applied: true, record: answer };
  const proposalId = answer.id;
  for (const approver of options.approvers) {
    answer = policyAnswer(await submit(as(approver), Confidential.approvePolicy, proposalId));
    if ('version' in answer)
      return { proposalId, approvals: answer.approvedBy, applied: true, record: answer };
  }
  throw new EcarError(
    'INVALID_STATE',
    `policy proposal ${proposalId} has the approvals of ${answer.approvals.join(', ')}; more orgs must approve it`,
    { proposalId },
  );
}

export interface EnclaveHandover {
  readonly chaincode: string;
  /** The org admin whose enclave holds the current keys and wraps them. */
  readonly sharer: ProvisioningOrg;
  /** Registered enclaves (ids) to receive the current keys. */
  readonly enclaveIds: readonly string[];
  /** Every org whose peer must have the share before the next step; default the sharer's. */
  readonly everyOrg?: readonly ProvisioningOrg[];
}

/**
 * Hands the current chaincode keys to registered enclaves: the sharer's own enclave verifies each
 * recipient's evidence against the ledger's policy and wraps the keys to it, and the wraps are
 * recorded on the ledger. The one place that performs the sharing step (today `shareKeys` evaluated
 * on the sharer's peer + `addWraps` submitted by its admin), so a recorded sharing transaction can
 * replace it here alone.
 *
 * @throws EcarError KEYS_UNAVAILABLE when an answered wrap is not from the sharer's enclave to a
 *   requested one, or the sharer's enclave holds no current keys; any error of the ledger.
 */
export async function shareKeysTo(handover: Readonly<EnclaveHandover>): Promise<KeyWrap[]> {
  const { sharer, enclaveIds } = handover;
  const to = { org: sharer, chaincode: handover.chaincode, everyOrg: handover.everyOrg ?? [sharer] };
  // a recorded share: every endorsing enclave verifies each recipient and writes the same wraps
  const answer = await submit(to, Confidential.shareKeys, JSON.stringify(enclaveIds));
  if (!Array.isArray(answer))
    throw new EcarError('KEYS_UNAVAILABLE', 'shareKeys did not answer a list of wraps');
  const wraps = answer.map((wrap) => parseKeyWrap(wrap));
  if (wraps.length !== enclaveIds.length || wraps.some((wrap) => !enclaveIds.includes(wrap.enclave))) {
    throw new EcarError('KEYS_UNAVAILABLE', 'the share did not wrap to the requested enclaves');
  }
  return wraps;
}

/**
 * Registers an enclave from its evidence as the org's admin (the evidence names that org). An
 * upgraded build registers this way before the lifecycle switches to it: the running build's
 * enclaves verify the new evidence against the ledger's policy.
 *
 * @throws EcarError ATTESTATION_* when the endorsing enclaves reject the evidence; FORBIDDEN.
 */
export async function registerEvidence(
  org: ProvisioningOrg,
  chaincode: string,
  evidence: EnclaveEvidence,
  everyOrg?: readonly ProvisioningOrg[],
): Promise<RegistryRecord> {
  if (evidence.mspId !== org.mspId) {
    throw new EcarError(
      'ATTESTATION_POLICY_REJECTED',
      `the evidence is of an enclave of ${evidence.mspId}, not of ${org.mspId}`,
    );
  }
  const [record] = parseRegistryRecords([
    await submit(
      { org, chaincode, everyOrg: everyOrg ?? [org] },
      Confidential.register,
      JSON.stringify(evidence),
    ),
  ]);
  if (record === undefined) throw new EcarError('INTERNAL', 'registerEnclave answered no record');
  return record;
}

function policyAnswer(value: JsonValue): PolicyRecord | PolicyProposal {
  const isRecord = typeof value === 'object' && value !== null && !Array.isArray(value) && 'version' in value;
  return isRecord ? parsePolicyRecord(value) : parsePolicyProposal(value);
}

function contractOf(org: ProvisioningOrg, chaincode: string): ContractPort {
  return org.network.getContract(chaincode, CONFIDENTIAL_CONTRACT);
}

/** How long a committed transaction may take to reach every org's peer (block dissemination). */
const PROPAGATION_TIMEOUT_MS = 60_000;
const PROPAGATION_POLL_MS = 250;

/** A governance transaction: what one org submits and every org's peer must have committed. */
interface Submission {
  readonly org: ProvisioningOrg;
  readonly chaincode: string;
  /** The orgs whose peers the next step reads or endorses on: it waits until each has the block. */
  readonly everyOrg: readonly ProvisioningOrg[];
}

/**
 * Submits as `org` and waits until the transaction is committed on every org's peer, so the next
 * step (endorsed by every org, or read from another org's peer) sees it: a peer a block behind
 * endorses a different read set and the gateway collects no matching endorsements.
 *
 * @throws EcarError from the chaincode; CONFLICT when the transaction was invalidated; INTERNAL
 *   when a peer did not commit it within PROPAGATION_TIMEOUT_MS.
 */
async function submit(to: Submission, name: string, ...args: string[]): Promise<JsonValue> {
  let result: Uint8Array;
  let txId: string;
  try {
    const transaction = await contractOf(to.org, to.chaincode)
      .newProposal(name, { arguments: args })
      .endorse();
    result = transaction.getResult();
    txId = transaction.getTransactionId();
    const status = await (await transaction.submit()).getStatus();
    if (!status.successful) {
      throw new EcarError(
        'CONFLICT',
        `${name} transaction ${txId} was not committed (validation code ${status.code}): run it again`,
      );
    }
  } catch (error) {
    throw toLedgerError(error);
  }
  for (const org of to.everyOrg) await awaitCommitted(org, txId);
  return decodeResult(result);
}

/** Polls the org's own peer (qscc) until it has committed `txId`. */
async function awaitCommitted(org: ProvisioningOrg, txId: string): Promise<void> {
  const qscc = org.network.getContract('qscc');
  const deadline = Date.now() + PROPAGATION_TIMEOUT_MS;
  for (;;) {
    try {
      await qscc
        .newProposal('GetTransactionByID', {
          arguments: [org.network.getName(), txId],
          endorsingOrganizations: [org.mspId],
        })
        .evaluate();
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new EcarError(
          'INTERNAL',
          `transaction ${txId} did not reach ${org.mspId}'s peer within ${PROPAGATION_TIMEOUT_MS / 1000} s: is it running and connected to the orderer?`,
          { cause: error instanceof Error ? error.message : String(error) },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, PROPAGATION_POLL_MS));
    }
  }
}

/** Evaluates on the org's own peer (and so on its own enclave): the gateway targets that org. */
async function evaluateOn(
  contract: ContractPort,
  mspId: string,
  name: string,
  ...args: string[]
): Promise<JsonValue> {
  try {
    const proposal = contract.newProposal(name, { arguments: args, endorsingOrganizations: [mspId] });
    return decodeResult(await proposal.evaluate());
  } catch (error) {
    throw toLedgerError(error);
  }
}

class Provisioning {
  readonly #options: Readonly<ProvisionOptions>;
  readonly #steps: ProvisionStep[] = [];
  readonly #evidence = new Map<string, EnclaveEvidence>();
  readonly #enclaveIds = new Map<string, string>();

  constructor(options: Readonly<ProvisionOptions>) {
    if (options.orgs.length === 0)
      throw new EcarError('INVALID_ARGUMENT', 'provisioning needs at least one org');
    const ids = new Set(options.orgs.map((org) => org.mspId));
    if (ids.size !== options.orgs.length)
      throw new EcarError('INVALID_ARGUMENT', 'each org may be given once');
    this.#options = options;
  }

  get #first(): ProvisioningOrg {
    const [first] = this.#options.orgs;
    if (first === undefined) throw new EcarError('INVALID_ARGUMENT', 'provisioning needs at least one org');
    return first;
  }

  #contract(org: ProvisioningOrg): ContractPort {
    return contractOf(org, this.#options.chaincode);
  }

  /** A submission as `org` that the next step waits for on every org's peer. */
  #as(org: ProvisioningOrg): Submission {
    return { org, chaincode: this.#options.chaincode, everyOrg: this.#options.orgs };
  }

  #step(action: ProvisionAction, mspId: string, outcome: ProvisionStep['outcome'], detail: string): void {
    const step: ProvisionStep = { action, mspId, outcome, detail };
    this.#steps.push(step);
    this.#options.onStep?.(step);
  }

  /** Runs one step's ledger work; a failure becomes a ProvisioningError naming the org and step. */
  async #attempt<T>(action: ProvisionAction, mspId: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ProvisioningError) throw error;
      const code = error instanceof EcarError ? error.code : 'INTERNAL';
      const reason =
        error instanceof EcarError
          ? error.reason
          : error instanceof Error
            ? withDetails(error)
            : String(error);
      throw new ProvisioningError(code, `${action} for ${mspId} failed: ${reason}`, mspId, [...this.#steps]);
    }
  }

  #fail(code: ErrorCode, action: ProvisionAction, mspId: string, reason: string): never {
    throw new ProvisioningError(code, `${action} for ${mspId} failed: ${reason}`, mspId, [...this.#steps]);
  }

  async ensureGenesis(): Promise<void> {
    const org = this.#first;
    const current = await this.#attempt('checkPolicy', org.mspId, async () => {
      try {
        return parsePolicyRecord(await evaluateOn(this.#contract(org), org.mspId, Confidential.policy));
      } catch (error) {
        if (error instanceof EcarError && (error.code === 'NOT_INITIALIZED' || error.code === 'NOT_FOUND')) {
          return undefined;
        }
        throw error;
      }
    });
    if (current === undefined) {
      const operator = this.#options.operator;
      if (operator === undefined) {
        this.#fail(
          'INVALID_ARGUMENT',
          'approveGenesis',
          org.mspId,
          'the ledger has no policy yet: the genesis needs the operator wallet id (operator)',
        );
      }
      const genesis = JSON.stringify({
        policy: this.#options.policy,
        operatorCommitment: operatorCommitment(operator),
      });
      for (const founder of this.#options.orgs) {
        const answer = await this.#attempt('approveGenesis', founder.mspId, () =>
          submit(this.#as(founder), Confidential.approveGenesis, genesis),
        );
        const missing = missingOrgs(answer);
        this.#step(
          'approveGenesis',
          founder.mspId,
          'done',
          missing.length === 0
            ? `genesis applied: policy version 1, operator ${operator.slice(0, 10)}…`
            : `genesis approved; waiting for ${missing.join(', ')}`,
        );
      }
    } else if (samePolicy(current.policy, this.#options.policy)) {
      this.#step(
        'checkPolicy',
        org.mspId,
        'skipped',
        `policy version ${current.version} is already in force`,
      );
    } else {
      this.#step(
        'checkPolicy',
        org.mspId,
        'skipped',
        `the ledger's policy (version ${current.version}) differs from the requested one and was left as it is; change it with changePolicy`,
      );
    }
  }

  async registerAll(): Promise<void> {
    const registry = await this.#registry();
    for (const org of this.#options.orgs) {
      const evidence = await this.#attempt('registerEnclave', org.mspId, async () =>
        parseEnclaveEvidence(await evaluateOn(this.#contract(org), org.mspId, Confidential.evidence)),
      );
      if (evidence.mspId !== org.mspId) {
        this.#fail(
          'ATTESTATION_POLICY_REJECTED',
          'registerEnclave',
          org.mspId,
          `the evidence answered through ${org.mspId}'s gateway is from an enclave of ${evidence.mspId}: the gateway did not reach ${org.mspId}'s own peer`,
        );
      }
      const id = toHex(fromB64(evidence.signingPublicKey, 'signing key', 'ATTESTATION_FORMAT_INVALID', 32));
      this.#evidence.set(org.mspId, evidence);
      this.#enclaveIds.set(org.mspId, id);
      const registered = registry.find((record) => record.id === id);
      if (
        registered !== undefined &&
        registered.quote === evidence.quote &&
        registered.collateral === evidence.collateral
      ) {
        this.#step('registerEnclave', org.mspId, 'skipped', `enclave ${id.slice(0, 8)}… is registered`);
        continue;
      }
      await this.#attempt('registerEnclave', org.mspId, () =>
        submit(this.#as(org), Confidential.register, JSON.stringify(evidence)),
      );
      this.#step(
        'registerEnclave',
        org.mspId,
        'done',
        `enclave ${id.slice(0, 8)}… ${registered === undefined ? 'registered' : 'evidence refreshed'}`,
      );
    }
  }

  async ensureKeys(options: Readonly<{ rotate: boolean }>): Promise<void> {
    const org = this.#first;
    const status = await this.#keyStatus();
    if (status.currentEpoch >= 1 && !options.rotate) {
      this.#step('createKeys', org.mspId, 'skipped', `epoch ${status.currentEpoch} is current`);
      return;
    }
    const record: KeyRecord = await this.#attempt('createKeys', org.mspId, async () =>
      parseKeyRecord(await evaluateOn(this.#contract(org), org.mspId, Confidential.createKeys)),
    );
    if (record.creator !== this.#enclaveIds.get(org.mspId)) {
      this.#fail(
        'KEYS_UNAVAILABLE',
        'createKeys',
        org.mspId,
        `the keys answered through ${org.mspId}'s gateway were created by enclave ${record.creator.slice(0, 8)}…, not ${org.mspId}'s own enclave`,
      );
    }
    await this.#attempt('createKeys', org.mspId, () =>
      submit(this.#as(org), Confidential.publishKeys, JSON.stringify(record)),
    );
    this.#step(
      'createKeys',
      org.mspId,
      'done',
      `epoch ${record.epoch} created and published, wrapped to ${record.wraps.length} enclave(s)`,
    );
  }

  /** proposeRotation by the first org, approveRotation by the others until a majority approved. */
  async approveRotation(): Promise<void> {
    const [proposer, ...approvers] = this.#options.orgs;
    if (proposer === undefined) return;
    let proposal = await this.#attempt('approveRotation', proposer.mspId, async () =>
      parseRotation(await submit(this.#as(proposer), Confidential.proposeRotation)),
    );
    this.#step('approveRotation', proposer.mspId, 'done', `rotation to epoch ${proposal.epoch} proposed`);
    for (const approver of approvers) {
      if (proposal.approved) break;
      proposal = await this.#attempt('approveRotation', approver.mspId, async () =>
        parseRotation(await submit(this.#as(approver), Confidential.approveRotation, proposal.id)),
      );
      this.#step('approveRotation', approver.mspId, 'done', `rotation to epoch ${proposal.epoch} approved`);
    }
    if (!proposal.approved) {
      this.#fail(
        'FORBIDDEN',
        'approveRotation',
        proposer.mspId,
        `rotation ${proposal.id} has the approvals of ${proposal.approvals.join(', ')}; a majority of the orgs must approve it`,
      );
    }
  }

  async shareMissing(): Promise<void> {
    const status = await this.#keyStatus();
    const record = status.records.find((r) => r.epoch === status.currentEpoch);
    if (record === undefined)
      this.#fail('KEYS_UNAVAILABLE', 'shareKeys', this.#first.mspId, 'no current key record');
    const holders = new Set([
      record.creator,
      ...record.wraps.map((w) => w.enclave),
      ...status.wraps.map((w) => w.enclave),
    ]);
    const missing = this.#options.orgs.filter((org) => !holders.has(this.#enclaveId(org)));
    if (missing.length === 0) {
      this.#step(
        'shareKeys',
        this.#first.mspId,
        'skipped',
        `every org's enclave holds epoch ${status.currentEpoch}`,
      );
      return;
    }
    const sharer = this.#first;
    const ids = missing.map((org) => this.#enclaveId(org));
    const wraps: KeyWrap[] = await this.#attempt('shareKeys', sharer.mspId, async () => {
      const answer = await submit(this.#as(sharer), Confidential.shareKeys, JSON.stringify(ids));
      if (!Array.isArray(answer))
        throw new EcarError('KEYS_UNAVAILABLE', 'shareKeys did not answer a list of wraps');
      return answer.map((wrap) => parseKeyWrap(wrap));
    });
    if (wraps.some((wrap) => !ids.includes(wrap.enclave)) || wraps.length !== ids.length) {
      this.#fail(
        'KEYS_UNAVAILABLE',
        'shareKeys',
        sharer.mspId,
        'the share did not wrap to the requested enclaves',
      );
    }
    const to = missing.map((org) => org.mspId).join(', ');
    this.#step('shareKeys', sharer.mspId, 'done', `epoch ${status.currentEpoch} shared to ${to} (recorded)`);
  }

  async vouchAll(): Promise<void> {
    const status = await this.#keyStatus();
    const epoch = status.currentEpoch;
    for (const org of this.#options.orgs) {
      const id = this.#enclaveId(org);
      if (status.vouchers.some((v) => v.epoch === epoch && v.enclave === id)) {
        this.#step(
          'recordVoucher',
          org.mspId,
          'skipped',
          `enclave ${id.slice(0, 8)}… vouched for epoch ${epoch}`,
        );
        continue;
      }
      const voucher = await this.#attempt('recordVoucher', org.mspId, async () =>
        parseVoucher(await evaluateOn(this.#contract(org), org.mspId, Confidential.vouch, String(epoch))),
      );
      if (voucher.enclave !== id || voucher.epoch !== epoch) {
        this.#fail(
          'KEYS_UNAVAILABLE',
          'recordVoucher',
          org.mspId,
          `the voucher answered through ${org.mspId}'s gateway is not from its own enclave for epoch ${epoch}`,
        );
      }
      await this.#attempt('recordVoucher', org.mspId, () =>
        submit(this.#as(org), Confidential.recordVoucher, JSON.stringify(voucher)),
      );
      this.#step('recordVoucher', org.mspId, 'done', `enclave ${id.slice(0, 8)}… vouched for epoch ${epoch}`);
    }
  }

  async finish(): Promise<ProvisionReport> {
    const org = this.#first;
    const [registry, keyStatus] = await Promise.all([this.#registry(), this.#keyStatus()]);
    const status = assessEnclaveSet({
      channel: org.network.getName(),
      chaincode: this.#options.chaincode,
      registry,
      keyStatus,
      policy: this.#options.policy,
      now: (this.#options.clock ?? ((): Date => new Date()))(),
      minOrgs: this.#options.minOrgs ?? DEFAULT_MIN_ORGS,
    });
    if (!status.trusted) {
      const [first] = status.failures;
      throw new ProvisioningError(
        first?.code ?? 'KEYS_UNAVAILABLE',
        `provisioning finished but a client with this policy would not trust the enclaves: ${status.failures
          .map((f) => `${f.subject}: ${f.reason}`)
          .join('; ')}`,
        org.mspId,
        [...this.#steps],
      );
    }
    return {
      channel: status.channel,
      chaincode: status.chaincode,
      epoch: status.currentEpoch,
      enclaves: Object.fromEntries(this.#enclaveIds),
      steps: [...this.#steps],
      status,
    };
  }

  #enclaveId(org: ProvisioningOrg): string {
    const id = this.#enclaveIds.get(org.mspId);
    if (id === undefined)
      throw new EcarError('INTERNAL', `no enclave known for ${org.mspId} (register first)`);
    return id;
  }

  async #registry(): Promise<RegistryRecord[]> {
    const org = this.#first;
    return this.#attempt('readLedger', org.mspId, async () =>
      parseRegistryRecords(await evaluateOn(this.#contract(org), org.mspId, Confidential.enclaves)),
    );
  }

  async #keyStatus(): Promise<KeyStatus> {
    const org = this.#first;
    return this.#attempt('readLedger', org.mspId, async () =>
      parseKeyStatus(await evaluateOn(this.#contract(org), org.mspId, Confidential.keyStatus)),
    );
  }
}

/** A gateway error's message with each peer's detail (which peer refused, and why). */
function withDetails(error: Error): string {
  if (!(error instanceof GatewayError) || error.details.length === 0) return error.message;
  return `${error.message} (${error.details.map((d) => `${d.mspId}: ${d.message}`).join('; ')})`;
}

/** The founding orgs a genesis answer still waits for (none once it applied). */
function missingOrgs(answer: JsonValue): string[] {
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
    throw new EcarError('INTERNAL', 'approveGenesis answered no record');
  }
  const missing = (answer as Record<string, JsonValue>).missing;
  return Array.isArray(missing) ? missing.filter((org): org is string => typeof org === 'string') : [];
}

function parseRotation(answer: JsonValue): RotationProposal {
  const r = (typeof answer === 'object' && answer !== null && !Array.isArray(answer) ? answer : {}) as Record<
    string,
    JsonValue
  >;
  if (
    typeof r.id !== 'string' ||
    typeof r.epoch !== 'number' ||
    typeof r.approved !== 'boolean' ||
    !Array.isArray(r.approvals)
  ) {
    throw new EcarError('INTERNAL', 'the rotation answer has an unknown shape');
  }
  return {
    v: 1,
    id: r.id,
    epoch: r.epoch,
    proposedBy: typeof r.proposedBy === 'string' ? r.proposedBy : '',
    approvals: r.approvals.filter((a): a is string => typeof a === 'string'),
    approved: r.approved,
  };
}

function samePolicy(a: AttestationPolicy, b: AttestationPolicy): boolean {
  const normal = (p: AttestationPolicy): string => canonicalJson(p as unknown as JsonValue);
  return normal(a) === normal(b);
}
