// Reads the key status and the registry from a peer of every org that has enclaves (DESIGN 5.7), so
// one peer serving a retired epoch from stale or edited state cannot make the client seal to it, and
// an org that does not answer fails the trust decision closed instead of leaving it to fewer peers.
// Each org's key status comes with its enclave's statement, signed by the enclave's identity key and
// bound to a fresh challenge: the gateway peer that relays the other orgs' answers cannot forge,
// replay, misroute or mix them (key-status-statement.ts; statement-trust.ts judges the signers).
import { canonicalJson } from '../../../chaincode/src/protocol/json';
import type { JsonObject, JsonValue } from '../../../chaincode/src/protocol/json';
import {
  Confidential,
  type KeyStatus,
  type RegistryRecord,
} from '../../../chaincode/src/protocol/confidential/api';
import {
  keyStatusDigest,
  newKeyStatusChallenge,
  parseKeyStatusStatement,
  statementFailures,
  type KeyStatusStatement,
} from '../../../chaincode/src/protocol/confidential/key-status-statement';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import { decodeResult, toLedgerError } from '../fabric/ledger-client';
import type { ContractPort } from './gateway-ports';
import { parseKeyStatus, parseRegistryRecords } from './records';
import { EnclaveTrustError, type TrustFailure } from './trust-error';

/**
 * Reads one public record of the confidential contract: on a peer of `mspId` (fabric-gateway:
 * `endorsingOrganizations: [mspId]` with evaluate), or on the peer the gateway picks when undefined.
 */
export type PublicRead = (name: string, mspId?: string, args?: readonly string[]) => Promise<JsonValue>;

/** PublicRead over the 'confidential' contract of a gateway (or anything shaped like one). */
export function publicReads(contract: ContractPort): PublicRead {
  return async (name, mspId, args = []) => {
    try {
      const bytes =
        mspId === undefined
          ? await contract.evaluateTransaction(name, ...args)
          : await contract
              .newProposal(name, {
                endorsingOrganizations: [mspId],
                ...(args.length === 0 ? {} : { arguments: [...args] }),
              })
              .evaluate();
      return decodeResult(bytes);
    } catch (error) {
      throw toLedgerError(error);
    }
  };
}

/** The key status every asked org agrees is current, and the orgs that were asked (and answered). */
export interface OrgsKeyStatus {
  readonly orgs: readonly string[];
  readonly keyStatus: KeyStatus;
  /** The registry the orgs were taken from (the gateway's answer). */
  readonly registry: readonly RegistryRecord[];
  /**
   * One statement per asked org, each signed by the enclave it names and bound to this read's
   * challenge; whether those enclaves are attested is judged with the registry (statement-trust.ts).
   */
  readonly statements: readonly KeyStatusStatement[];
}

/** Where the statements must come from: the deployment the client seals to. */
export interface StatementScope {
  readonly channel: string;
  readonly chaincode: string;
}

interface OrgAnswer<T> {
  readonly mspId: string;
  readonly value: T;
}

const canonical = (value: unknown): string => canonicalJson(value as JsonValue);

/** The distinct MSP ids of the registry's enclaves, sorted. */
export function enclaveOrgs(registry: readonly RegistryRecord[]): string[] {
  return [...new Set(registry.map((record) => record.mspId))].sort();
}

function unanswered(mspId: string, what: string, error: unknown): TrustFailure {
  const why = error instanceof EcarError ? error.reason : error instanceof Error ? error.message : '';
  return {
    code: 'KEYS_UNAVAILABLE',
    subject: `${what} from ${mspId}`,
    reason: `no valid answer from a peer of ${mspId}${why === '' ? '' : ` (${why})`}; the client trusts the keys only when every org with enclaves answers`,
    mspId,
  };
}

/** Asks every org; any org without a valid answer fails closed, naming each such org. */
async function askEveryOrg<T>(
  orgs: readonly string[],
  what: string,
  ask: (mspId: string) => Promise<T>,
): Promise<OrgAnswer<T>[]> {
  const settled = await Promise.allSettled(orgs.map(async (mspId) => ({ mspId, value: await ask(mspId) })));
  const failures: TrustFailure[] = [];
  const answers: OrgAnswer<T>[] = [];
  settled.forEach((outcome, i) => {
    if (outcome.status === 'fulfilled') answers.push(outcome.value);
    else if (outcome.reason instanceof EnclaveTrustError) failures.push(...outcome.reason.failures);
    else failures.push(unanswered(orgs[i] ?? '?', what, outcome.reason));
  });
  if (failures.length > 0) throw new EnclaveTrustError(failures);
  return answers;
}

/**
 * The current key status as the orgs' peers serve it: every org must name the same current epoch and
 * serve the same key record of it, and none may hold a record after it. Any disagreement fails
 * closed (a peer behind, stale or edited state, or a gateway mixing answers of different reads); the
 * wraps and vouchers of the answers are merged (each is verified on its own).
 *
 * @throws EnclaveTrustError KEYS_UNAVAILABLE naming each org whose answer disagreed.
 */
export function currentKeyStatus(answers: readonly OrgAnswer<KeyStatus>[]): KeyStatus {
  const epoch = Math.max(0, ...answers.map((answer) => answer.value.currentEpoch));
  const recordOf = (status: KeyStatus): KeyStatus['records'][number] | undefined =>
    status.records.find((record) => record.epoch === epoch);
  const reference = answers.map((answer) => recordOf(answer.value)).find((record) => record !== undefined);
  const failures: TrustFailure[] = [];
  for (const { mspId, value } of answers) {
    const fail = (reason: string, rule = 'key-record-disagreement'): void => {
      failures.push({
        code: 'KEYS_UNAVAILABLE',
        subject: `key status from ${mspId}`,
        reason,
        mspId,
        rule,
      });
    };
    if (value.currentEpoch !== epoch) {
      fail(
        `its peer names epoch ${value.currentEpoch} as current, another org's names epoch ${epoch}: the client seals only to an epoch every org agrees on (a peer behind catches up within blocks; try again)`,
        'epoch-agreement',
      );
    }
    const successor = value.records.find((record) => record.epoch > epoch);
    if (successor !== undefined) {
      fail(
        `it publishes a key record of epoch ${successor.epoch}, after epoch ${epoch} that the peers name as current: a peer hides the newer epoch`,
      );
    }
    const own = recordOf(value);
    if (own !== undefined && reference !== undefined && canonical(own) !== canonical(reference)) {
      fail(`its key record of epoch ${epoch} differs from the one the other orgs' peers serve`);
    }
  }
  if (failures.length > 0) throw new EnclaveTrustError(failures);
  return {
    currentEpoch: epoch,
    records: union(answers.flatMap((answer) => answer.value.records)).sort((a, b) => a.epoch - b.epoch),
    wraps: union(answers.flatMap((answer) => answer.value.wraps)),
    vouchers: union(answers.flatMap((answer) => answer.value.vouchers)),
  };
}

/** Distinct items (by canonical JSON), in canonical order, so equal inputs give an equal key status. */
function union<T>(items: readonly T[]): T[] {
  const byText = new Map<string, T>();
  for (const item of items) byText.set(canonical(item), item);
  return [...byText.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, item]) => item);
}

/**
 * One org's signed key status: the statement must be signed by the enclave it names, answer this
 * read's challenge, come from an enclave of the org asked, cover exactly the key status served with
 * it, and see no record after its current epoch.
 *
 * @throws EnclaveTrustError KEYS_UNAVAILABLE (rule key-status-statement) naming every reason.
 */
export function checkedKeyStatus(
  value: JsonValue,
  expected: StatementScope & Readonly<{ mspId: string; challenge: string }>,
): { keyStatus: KeyStatus; statement: KeyStatusStatement } {
  const fail = (reasons: readonly string[]): EnclaveTrustError =>
    new EnclaveTrustError(
      reasons.map((reason) => ({
        code: 'KEYS_UNAVAILABLE',
        subject: `signed key status from ${expected.mspId}`,
        reason,
        mspId: expected.mspId,
        rule: 'key-status-statement',
      })),
    );
  const answer =
    value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : {};
  if (answer.v !== 1) throw fail(['the answer is not a signed key status (v1)']);
  const { keyStatus: rawStatus = null, statement: rawStatement, sig } = answer;
  let keyStatus: KeyStatus;
  let statement: KeyStatusStatement;
  try {
    keyStatus = parseKeyStatus(rawStatus);
    statement = parseKeyStatusStatement(rawStatement);
  } catch (error) {
    throw fail([error instanceof EcarError ? error.reason : 'the answer cannot be read']);
  }
  const reasons = statementFailures(statement, typeof sig === 'string' ? sig : '', {
    ...expected,
    keyStatusHash: keyStatusDigest(rawStatus),
    currentEpoch: keyStatus.currentEpoch,
  });
  if (reasons.length > 0) throw fail(reasons);
  return { keyStatus, statement };
}

/**
 * Reads the registry on the gateway, then the signed key status on a peer of every org that has
 * enclaves, all under one fresh challenge.
 *
 * @throws EnclaveTrustError naming an org that did not answer, answered with a statement that does
 *   not verify, or disagreed; the gateway's own error (EcarError / GatewayError) when the registry
 *   cannot be read.
 */
export async function readOrgsKeyStatus(read: PublicRead, scope: StatementScope): Promise<OrgsKeyStatus> {
  const registry = parseRegistryRecords(await read(Confidential.enclaves));
  const orgs = enclaveOrgs(registry);
  const challenge = newKeyStatusChallenge();
  const answers = await askEveryOrg(orgs, 'signed key status', async (mspId) =>
    checkedKeyStatus(await read(Confidential.attestedKeyStatus, mspId, [challenge]), {
      ...scope,
      mspId,
      challenge,
    }),
  );
  const keyStatus = currentKeyStatus(answers.map(({ mspId, value }) => ({ mspId, value: value.keyStatus })));
  return { orgs, registry, keyStatus, statements: answers.map((answer) => answer.value.statement) };
}

/**
 * The registry as every asked org's peer serves it, merged: a record any of them holds is judged (a
 * stale peer cannot hide an enclave that holds the keys). An org that appears only in another org's
 * answer was not asked for its key status, so that fails closed too.
 *
 * @throws EnclaveTrustError naming an org that did not answer, or one that was not asked.
 */
export async function readOrgsRegistry(read: PublicRead, asked: OrgsKeyStatus): Promise<RegistryRecord[]> {
  const answers = await askEveryOrg(asked.orgs, 'enclave registry', async (mspId) =>
    parseRegistryRecords(await read(Confidential.enclaves, mspId)),
  );
  const registry = union([...asked.registry, ...answers.flatMap((answer) => answer.value)]);
  requireOrgsAsked(asked.orgs, enclaveOrgs(registry));
  return registry;
}

/**
 * Every org the judgement rests on must have been asked for its key status.
 *
 * @throws EnclaveTrustError KEYS_UNAVAILABLE naming each org that was not asked.
 */
export function requireOrgsAsked(asked: readonly string[], orgs: Iterable<string>): void {
  const missing = [...new Set(orgs)].filter((mspId) => !asked.includes(mspId)).sort();
  if (missing.length === 0) return;
  throw new EnclaveTrustError(
    missing.map((mspId) => ({
      code: 'KEYS_UNAVAILABLE',
      subject: `key status from ${mspId}`,
      reason: `${mspId} has enclaves, but the registry the gateway served omits them, so its peer was not asked for the key status`,
      mspId,
    })),
  );
}
