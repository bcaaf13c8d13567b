// Disputes: within the dispute window a driver freezes the host's earning from a session; the host
// may answer once while it is open; the operator resolves it, refunding part or all of it to the
// driver with a credit CDR.
//   dispute/<sessionId>   one dispute per session
import { EcarError } from '../protocol/errors';
import { decodeEarning, keys, loadAccount, saveAccount, type Earning } from './accounts';
import { recordDecoder, type Tx } from './context';
import { Forbidden, InvalidState, NotFound } from './errors';
import { hasRole, loadParams, requireRole } from './params';
import { formatTime, id, money, parseArgs, string } from './parse';
import { decodeCdr, loadSession, sessionKeys, writeCdr } from './sessions';
import { DISPUTE_STATEMENT_MAX } from '../protocol/vocabulary';
import type { Cdr, Dispute } from '../protocol/records';

export const decodeDispute = recordDecoder<Dispute>([]);
export const disputeKeys = { dispute: (sessionId: string) => `dispute/${sessionId}` } as const;

function decodeStoredDispute(json: Parameters<typeof decodeDispute>[0]): Dispute {
  const d = decodeDispute(json);
  return typeof json.refund === 'string' ? { ...d, refund: BigInt(json.refund) } : d;
}

/** openDispute (the session's driver, within the window): freezes the host's earning from it. */
export async function openDispute(tx: Tx, raw: unknown): Promise<Dispute> {
  const f = parseArgs(raw, ['sessionId', 'reason']);
  const sessionId = id(f.sessionId, 'sessionId');
  const reason = string(f.reason, 'reason', { max: 500 });
  await loadParams(tx);
  const session = await loadSession(tx, sessionId);
  if (session.driver !== tx.caller) throw new Forbidden('openDispute', 'the driver of the session');
  if (session.status !== 'COMPLETED')
    throw new InvalidState('session', sessionId, session.status, 'COMPLETED');
  if (await tx.exists(disputeKeys.dispute(sessionId)))
    throw new EcarError('ALREADY_EXISTS', `session '${sessionId}' is already disputed`, { sessionId });
  const cdr = await tx.read(sessionKeys.cdr(sessionId), decodeCdr);
  if (!cdr) throw new NotFound('CDR', sessionId);
  const earningKey = keys.earning(session.host, `s:${sessionId}`);
  const earning = await tx.read(earningKey, decodeEarning);
  // Open only while the window is surely open, even if the time runs late by the skew.
  if (!tx.surelyBefore(cdr.disputeUntil) || !earning) {
    throw new EcarError(
      'DISPUTE_WINDOW_CLOSED',
      `disputes for session '${sessionId}' closed at ${formatTime(cdr.disputeUntil)}`,
      { sessionId },
    );
  }
  await tx.write(earningKey, { ...earning, status: 'FROZEN' } satisfies Earning);
  const dispute: Dispute = {
    sessionId,
    driver: session.driver,
    host: session.host,
    reason,
    status: 'OPEN',
    openedAt: tx.now,
  };
  await tx.write(disputeKeys.dispute(sessionId), dispute);
  tx.emit('DisputeOpened', { sessionId });
  return dispute;
}

// Printable text: new lines and tabs are kept, other control characters (terminal escapes,
// carriage returns that overwrite a line) are refused so the statement shows as written.
const STATEMENT_TEXT = /^(?:[^\p{Cc}]|[\t\n])*$/u;

/** answerDispute (the session's host, once, while the dispute is open): the host's side, for the operator. */
export async function answerDispute(tx: Tx, raw: unknown): Promise<Dispute> {
  const f = parseArgs(raw, ['sessionId', 'statement']);
  const sessionId = id(f.sessionId, 'sessionId');
  const statement = string(typeof f.statement === 'string' ? f.statement.trim() : f.statement, 'statement', {
    max: DISPUTE_STATEMENT_MAX,
    pattern: STATEMENT_TEXT,
    hint: 'text without control characters (new lines and tabs are fine)',
  });
  await loadParams(tx);
  const session = await loadSession(tx, sessionId);
  if (session.host !== tx.caller) throw new Forbidden('answerDispute', 'the host of the session');
  const dispute = await tx.read(disputeKeys.dispute(sessionId), decodeStoredDispute);
  if (!dispute) throw new InvalidState('session', sessionId, 'not disputed', 'under an open dispute');
  if (dispute.status !== 'OPEN') throw new InvalidState('dispute', sessionId, dispute.status, 'OPEN');
  if (dispute.answer !== undefined) {
    throw new InvalidState('dispute', sessionId, 'already answered', 'unanswered (a host answers once)');
  }
  const answered: Dispute = { ...dispute, answer: statement, answeredAt: tx.now };
  await tx.write(disputeKeys.dispute(sessionId), answered);
  tx.emit('DisputeAnswered', { sessionId });
  return answered;
}

/** resolveDispute (operator): refunds 0..host earning to the driver (credit CDR) and unfreezes the rest. */
export async function resolveDispute(tx: Tx, raw: unknown): Promise<{ dispute: Dispute; creditCdr?: Cdr }> {
  const f = parseArgs(raw, ['sessionId', 'refund']);
  const sessionId = id(f.sessionId, 'sessionId');
  const refund = money(f.refund, 'refund');
  const params = await loadParams(tx);
  requireRole(params, tx.caller, 'resolveDispute', 'operator');
  const dispute = await tx.read(disputeKeys.dispute(sessionId), decodeStoredDispute);
  if (!dispute) throw new NotFound('dispute', sessionId);
  if (dispute.status !== 'OPEN') throw new InvalidState('dispute', sessionId, dispute.status, 'OPEN');
  const earningKey = keys.earning(dispute.host, `s:${sessionId}`);
  const earning = await tx.read(earningKey, decodeEarning);
  if (!earning) throw new EcarError('INTERNAL', `disputed earning of session '${sessionId}' is missing`);
  if (refund > earning.amount) {
    throw new EcarError(
      'INVALID_ARGUMENT',
      `refund can be at most the host's earning from the session (${earning.amount.toString()})`,
      { field: 'refund' },
    );
  }
  await tx.write(earningKey, {
    ...earning,
    amount: earning.amount - refund,
    status: 'LOCKED',
  } satisfies Earning);
  let creditCdr: Cdr | undefined;
  if (refund > 0n) {
    const account = await loadAccount(tx, dispute.driver);
    await saveAccount(tx, dispute.driver, { ...account, purchased: account.purchased + refund });
    const original = await tx.read(sessionKeys.cdr(sessionId), decodeCdr);
    if (!original) throw new NotFound('CDR', sessionId);
    creditCdr = {
      ...original,
      id: `${sessionId}-C`,
      credit: true,
      creditReferenceId: sessionId,
      totalCost: -refund,
      captured: -refund,
      uncollected: 0n,
      platformFee: 0n,
      hostEarning: -refund,
      createdAt: tx.now,
    };
    await writeCdr(tx, creditCdr);
  }
  const resolved: Dispute = {
    ...dispute,
    status: 'RESOLVED',
    resolvedAt: tx.now,
    refund,
    ...(creditCdr ? { creditCdrId: creditCdr.id } : {}),
  };
  await tx.write(disputeKeys.dispute(sessionId), resolved);
  tx.emit('DisputeResolved', { sessionId, ...(creditCdr ? { creditCdrId: creditCdr.id } : {}) });
  return creditCdr ? { dispute: resolved, creditCdr } : { dispute: resolved };
}

/** getDispute: for the driver, the host, the operator and auditors (with the host's answer, if any). */
export async function getDispute(tx: Tx, raw: unknown): Promise<Dispute> {
  const f = parseArgs(raw, ['sessionId']);
  const sessionId = id(f.sessionId, 'sessionId');
  const params = await loadParams(tx);
  const dispute = await tx.read(disputeKeys.dispute(sessionId), decodeStoredDispute);
  if (!dispute) throw new NotFound('dispute', sessionId);
  const me = tx.caller;
  if (
    dispute.driver !== me &&
    dispute.host !== me &&
    !hasRole(params, 'operator', me) &&
    !hasRole(params, 'auditor', me)
  ) {
    throw new Forbidden('reading a dispute', 'its driver, its host, the operator or an auditor');
  }
  return dispute;
}
