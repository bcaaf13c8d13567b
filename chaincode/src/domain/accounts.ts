// Accounts and tokens: buckets, mint (top-up), transfer, payout, earnings and the supply ledger.
//
// Where every bucket lives (no key that every transaction writes, so unrelated sessions never
// conflict at commit):
//   account/<id>                 { purchased, earned }  earned = unlocked earnings claimed, payable
//   hold/<id>/<holdId>           one escrow per session (s:<sessionId>) or booking (b:<bookingId>)
//   earning/<id>/<refId>         one locked credit per settled session / no-show fee
//   payout/<id>/<payoutId>       earned tokens escrowed for a payout until the issuer confirms or fails it
//   payout-pending/<id>/<payoutId>  index of the payouts still PENDING (what the issuer lists)
//   fee/<refId>                  the platform's fee income, one delta record per settlement
//   supply/<txId>                { minted, burned } one delta record per minting/burning transaction
//   mint/<paymentRef>            idempotency record of a top-up
// An account's buckets are views over these records: purchased = account.purchased; earned =
// account.earned + its earning records; held = its hold records + its pending payouts. The
// platform's earned bucket is the sum of fee records. Totals are range reads (auditor), never a
// counter. Invariant: sum of all buckets of all accounts = sum(minted) - sum(burned).
import { ACCOUNT_ID_HINT, ACCOUNT_ID_PATTERN } from '../protocol/account-id';
import { EcarError } from '../protocol/errors';
import { recordDecoder, type Tx } from './context';
import { Forbidden, InsufficientFunds, InvalidState, NotFound } from './errors';
import { hasRole, loadParams, requireRole } from './params';
import { id, money, optionalInteger, optionalString, parseArgs, string } from './parse';
import { loadPayoutDestination } from './payout-destinations';
import type { Money } from '../protocol/units';
import type { Balance, MintRecord, Payout, PendingPayout } from '../protocol/records';

export interface Account {
  readonly purchased: Money;
  readonly earned: Money;
}
export interface Hold {
  readonly account: string;
  readonly amount: Money;
  readonly expiresAt: number;
  readonly kind: 'SESSION' | 'BOOKING';
  readonly ref: string;
}
export interface Earning {
  readonly account: string;
  readonly amount: Money;
  readonly unlockAt: number;
  readonly status: 'LOCKED' | 'FROZEN';
  readonly kind: 'SESSION' | 'NO_SHOW';
  readonly ref: string;
}
export interface Fee {
  readonly amount: Money;
  readonly ref: string;
}
export interface SupplyDelta {
  readonly minted: Money;
  readonly burned: Money;
}

export const decodeAccount = recordDecoder<Account>(['purchased', 'earned']);
export const decodeHold = recordDecoder<Hold>(['amount']);
export const decodeEarning = recordDecoder<Earning>(['amount']);
export const decodePayout = recordDecoder<Payout>(['amount']);
export const decodeFee = recordDecoder<Fee>(['amount']);
export const decodeSupply = recordDecoder<SupplyDelta>(['minted', 'burned']);
const decodeMint = recordDecoder<MintRecord>(['amount']);

export const keys = {
  account: (account: string) => `account/${account}`,
  hold: (account: string, holdId: string) => `hold/${account}/${holdId}`,
  holds: (account: string) => `hold/${account}/`,
  earning: (account: string, ref: string) => `earning/${account}/${ref}`,
  earnings: (account: string) => `earning/${account}/`,
  payout: (account: string, payoutId: string) => `payout/${account}/${payoutId}`,
  payouts: (account: string) => `payout/${account}/`,
  pendingPayout: (account: string, payoutId: string) => `payout-pending/${account}/${payoutId}`,
  pendingPayouts: () => 'payout-pending/',
  fee: (ref: string) => `fee/${ref}`,
  supply: (txId: string) => `supply/${txId}`,
  mint: (paymentRef: string) => `mint/${paymentRef}`,
} as const;

export const sessionHoldId = (sessionId: string): string => `s:${sessionId}`;
export const bookingHoldId = (bookingId: string): string => `b:${bookingId}`;

const EMPTY: Account = { purchased: 0n, earned: 0n };
const PAYMENT_REF = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * An account id someone names (mint, transfer, payouts, balances): it must have the shape of a
 * caller id the ledger can run as, so a typo, a truncated wallet id or `undefined` is refused
 * instead of receiving tokens nobody can ever spend. Whether the account exists is not asked:
 * a first top-up goes to a wallet the ledger has never seen.
 */
export function accountId(value: unknown, path: string): string {
  return string(value, path, { max: 200, pattern: ACCOUNT_ID_PATTERN, hint: ACCOUNT_ID_HINT });
}

export async function loadAccount(tx: Tx, account: string): Promise<Account> {
  return (await tx.read(keys.account(account), decodeAccount)) ?? EMPTY;
}

export async function saveAccount(tx: Tx, account: string, value: Account): Promise<void> {
  if (value.purchased < 0n || value.earned < 0n) {
    throw new EcarError('INTERNAL', 'an account bucket would become negative');
  }
  await tx.write(keys.account(account), value);
}

/** Splits a captured amount into the platform fee (rounded down) and the host's share. */
export function splitFee(captured: Money, feeBps: number): { fee: Money; host: Money } {
  const fee = (captured * BigInt(feeBps)) / 10_000n;
  return { fee, host: captured - fee };
}

/** Credits a host (locked until `unlockAt`) and the platform for one settlement; no shared key. */
export async function creditEarnings(
  tx: Tx,
  host: string,
  ref: string,
  kind: Earning['kind'],
  captured: Money,
  feeBps: number,
  unlockAt: number,
): Promise<{ fee: Money; host: Money }> {
  const split = splitFee(captured, feeBps);
  const earning: Earning = { account: host, amount: split.host, unlockAt, status: 'LOCKED', kind, ref };
  await tx.write(keys.earning(host, ref), earning);
  if (split.fee > 0n) await tx.write(keys.fee(ref), { amount: split.fee, ref } satisfies Fee);
  return split;
}

async function writeSupply(tx: Tx, delta: SupplyDelta): Promise<void> {
  await tx.write(keys.supply(tx.txId), delta);
}

/** mint (issuer): credits purchased tokens for a top-up; idempotent per payment reference. */
export async function mint(tx: Tx, raw: unknown): Promise<MintRecord & { replayed: boolean }> {
  const args = parseArgs(raw, ['account', 'amount', 'paymentRef']);
  const account = accountId(args.account, 'account');
  const amount = money(args.amount, 'amount', { min: 1n });
  const paymentRef = string(args.paymentRef, 'paymentRef', {
    max: 64,
    pattern: PAYMENT_REF,
    hint: '1-64 characters of A-Z a-z 0-9 . _ : -',
  });
  const params = await loadParams(tx);
  requireRole(params, tx.caller, 'mint', 'issuer');
  if (amount > params.mintMaximum) {
    throw new EcarError(
      'INVALID_ARGUMENT',
      `amount ${amount.toString()} is above the largest top-up the parameters allow (mintMaximum ${params.mintMaximum.toString()} minor units); check the amount, or the operator raises mintMaximum`,
      { field: 'amount', maximum: params.mintMaximum.toString() },
    );
  }
  const previous = await tx.read(keys.mint(paymentRef), decodeMint);
  if (previous) {
    if (previous.account !== account || previous.amount !== amount) {
      throw new EcarError(
        'CONFLICT',
        `payment reference '${paymentRef}' was already used for a different top-up`,
        { paymentRef },
      );
    }
    return { ...previous, replayed: true };
  }
  const balance = await loadAccount(tx, account);
  await saveAccount(tx, account, { ...balance, purchased: balance.purchased + amount });
  await writeSupply(tx, { minted: amount, burned: 0n });
  const record: MintRecord = { account, amount, paymentRef, txId: tx.txId, mintedAt: tx.now };
  await tx.write(keys.mint(paymentRef), record);
  tx.emit('TokensMinted', { paymentRef, txId: tx.txId });
  return { ...record, replayed: false };
}

/** transfer (any account holder, when enabled): moves purchased tokens to another account. */
export async function transfer(tx: Tx, raw: unknown): Promise<{ to: string; amount: Money }> {
  const args = parseArgs(raw, ['to', 'amount']);
  const to = accountId(args.to, 'to');
  const amount = money(args.amount, 'amount', { min: 1n });
  const params = await loadParams(tx);
  if (!params.transfersEnabled) {
    throw new EcarError(
      'FEATURE_DISABLED',
      'peer-to-peer transfers are disabled by the operator (parameter transfersEnabled)',
    );
  }
  const from = tx.caller;
  if (to === from) throw new EcarError('INVALID_ARGUMENT', 'cannot transfer to yourself', { field: 'to' });
  const source = await loadAccount(tx, from);
  if (source.purchased < amount) throw new InsufficientFunds('purchased', amount, source.purchased);
  const target = await loadAccount(tx, to);
  await saveAccount(tx, from, { ...source, purchased: source.purchased - amount });
  await saveAccount(tx, to, { ...target, purchased: target.purchased + amount });
  tx.emit('TokensTransferred', { txId: tx.txId });
  return { to, amount };
}

/**
 * Moves every unlocked, undisputed earning of the account into its payable `earned` bucket, on top
 * of `balance` (a write is not visible to a later read in the same transaction, so the caller
 * saves the returned balance once).
 */
async function claimUnlocked(
  tx: Tx,
  account: string,
  balance: Account,
): Promise<{ balance: Account; claimed: Money; count: number; stillLocked: number }> {
  const earnings = await tx.scan(keys.earnings(account), decodeEarning);
  let claimed = 0n;
  let count = 0;
  for (const { key, value } of earnings) {
    // Unlocked only when the dispute window surely closed, even if the time runs early by the skew.
    if (value.status !== 'LOCKED' || !tx.surelyAfter(value.unlockAt)) continue;
    claimed += value.amount;
    count += 1;
    await tx.remove(key);
  }
  if (count > 0) tx.emit('EarningsClaimed', { txId: tx.txId });
  return {
    balance: { ...balance, earned: balance.earned + claimed },
    claimed,
    count,
    stillLocked: earnings.length - count,
  };
}

/** claimEarnings (host): moves every unlocked, undisputed earning into the payable `earned` bucket. */
export async function claimEarnings(
  tx: Tx,
  raw: unknown,
): Promise<{ claimed: Money; count: number; stillLocked: number }> {
  parseArgs(raw, []);
  await loadParams(tx);
  const account = tx.caller;
  const { balance, claimed, count, stillLocked } = await claimUnlocked(
    tx,
    account,
    await loadAccount(tx, account),
  );
  if (count > 0) await saveAccount(tx, account, balance);
  return { claimed, count, stillLocked };
}

/**
 * requestPayout (host): claims whatever earnings have unlocked, then escrows payable earned tokens
 * until the issuer confirms or fails the bank payout. Needs a payout destination, so the issuer
 * knows where to send the money.
 */
export async function requestPayout(tx: Tx, raw: unknown): Promise<Payout & { claimedNow: Money }> {
  const args = parseArgs(raw, ['payoutId', 'amount']);
  const payoutId = id(args.payoutId, 'payoutId');
  const amount = money(args.amount, 'amount', { min: 1n });
  await loadParams(tx);
  const account = tx.caller;
  if (await tx.exists(keys.payout(account, payoutId))) {
    throw new EcarError('ALREADY_EXISTS', `payout '${payoutId}' already exists; choose a new payout id`, {
      payoutId,
    });
  }
  if ((await loadPayoutDestination(tx, account)) === undefined) {
    throw new EcarError(
      'PAYOUT_DESTINATION_MISSING',
      'no payout destination: set the IBAN or payment reference the issuer pays to first',
      { field: 'destination' },
    );
  }
  const claim = await claimUnlocked(tx, account, await loadAccount(tx, account));
  const balance = claim.balance;
  if (balance.earned < amount) throw new InsufficientFunds('earned', amount, balance.earned);
  await saveAccount(tx, account, { ...balance, earned: balance.earned - amount });
  const payout: Payout = { account, payoutId, amount, status: 'PENDING', requestedAt: tx.now };
  await tx.write(keys.payout(account, payoutId), payout);
  await tx.write(keys.pendingPayout(account, payoutId), { account, payoutId } satisfies PendingEntry);
  tx.emit('PayoutRequested', { payoutId });
  return { ...payout, claimedNow: claim.claimed };
}

interface PendingEntry {
  readonly account: string;
  readonly payoutId: string;
}
const decodePending = recordDecoder<PendingEntry>([]);

/** pendingPayouts (issuer): every PENDING payout, oldest first, with its host's payout destination. */
export async function pendingPayouts(tx: Tx, raw: unknown): Promise<PendingPayout[]> {
  const f = parseArgs(raw, ['limit']);
  const limit = optionalInteger(f.limit, 'limit', { min: 1, max: 500 }) ?? 100;
  const params = await loadParams(tx);
  requireRole(params, tx.caller, 'pendingPayouts', 'issuer');
  const out: PendingPayout[] = [];
  for (const { value } of await tx.scan(keys.pendingPayouts(), decodePending)) {
    const payout = await tx.read(keys.payout(value.account, value.payoutId), decodePayout);
    if (payout?.status !== 'PENDING')
      throw new EcarError('INTERNAL', `pending payout '${value.payoutId}' is missing`);
    out.push({ ...payout, destination: (await loadPayoutDestination(tx, value.account)) ?? null });
  }
  const byTime = (a: Payout, b: Payout): number =>
    a.requestedAt - b.requestedAt || (a.payoutId < b.payoutId ? -1 : a.payoutId > b.payoutId ? 1 : 0);
  return out.sort(byTime).slice(0, limit);
}

async function closePayout(tx: Tx, raw: unknown, outcome: 'CONFIRMED' | 'FAILED'): Promise<Payout> {
  const args = parseArgs(
    raw,
    outcome === 'FAILED' ? ['account', 'payoutId', 'reason'] : ['account', 'payoutId'],
  );
  const account = accountId(args.account, 'account');
  const payoutId = id(args.payoutId, 'payoutId');
  const reason = optionalString(args.reason, 'reason', { max: 200 });
  const params = await loadParams(tx);
  requireRole(params, tx.caller, outcome === 'CONFIRMED' ? 'confirmPayout' : 'failPayout', 'issuer');
  const payout = await tx.read(keys.payout(account, payoutId), decodePayout);
  if (!payout) throw new NotFound('payout', payoutId);
  if (payout.status !== 'PENDING') throw new InvalidState('payout', payoutId, payout.status, 'PENDING');
  const closed: Payout = {
    ...payout,
    status: outcome,
    closedAt: tx.now,
    ...(reason === undefined ? {} : { reason }),
  };
  await tx.write(keys.payout(account, payoutId), closed);
  await tx.remove(keys.pendingPayout(account, payoutId));
  if (outcome === 'CONFIRMED') {
    await writeSupply(tx, { minted: 0n, burned: payout.amount });
  } else {
    const balance = await loadAccount(tx, account);
    await saveAccount(tx, account, { ...balance, earned: balance.earned + payout.amount });
  }
  tx.emit(outcome === 'CONFIRMED' ? 'PayoutConfirmed' : 'PayoutFailed', { payoutId });
  return closed;
}

/** confirmPayout (issuer): the bank transfer went out; the escrowed tokens are burned. */
export async function confirmPayout(tx: Tx, raw: unknown): Promise<Payout> {
  return closePayout(tx, raw, 'CONFIRMED');
}

/** failPayout (issuer): the bank transfer failed; the tokens return to the host's earned bucket. */
export async function failPayout(tx: Tx, raw: unknown): Promise<Payout> {
  return closePayout(tx, raw, 'FAILED');
}

export async function computeBalance(tx: Tx, account: string): Promise<Balance> {
  const base = await loadAccount(tx, account);
  const holds = await tx.scan(keys.holds(account), decodeHold);
  const earnings = await tx.scan(keys.earnings(account), decodeEarning);
  const payouts = await tx.scan(keys.payouts(account), decodePayout);
  const sum = <T>(items: { value: T }[], pick: (v: T) => Money | undefined): Money =>
    items.reduce((acc, item) => acc + (pick(item.value) ?? 0n), 0n);
  const sessions = sum(holds, (h) => (h.kind === 'SESSION' ? h.amount : 0n));
  const bookings = sum(holds, (h) => (h.kind === 'BOOKING' ? h.amount : 0n));
  const pending = sum(payouts, (p) => (p.status === 'PENDING' ? p.amount : 0n));
  const locked = sum(earnings, (e) => (e.status === 'LOCKED' ? e.amount : 0n));
  const frozen = sum(earnings, (e) => (e.status === 'FROZEN' ? e.amount : 0n));
  return {
    account,
    purchased: base.purchased,
    earned: { payable: base.earned, locked, frozen },
    held: { sessions, bookings, payouts: pending },
    total: base.purchased + base.earned + locked + frozen + sessions + bookings + pending,
  };
}

/** getBalance: your own buckets; the auditor and operator may name any account. */
export async function getBalance(tx: Tx, raw: unknown): Promise<Balance> {
  const args = parseArgs(raw, ['account']);
  const params = await loadParams(tx);
  const account = args.account === undefined ? tx.caller : accountId(args.account, 'account');
  if (
    account !== tx.caller &&
    !hasRole(params, 'auditor', tx.caller) &&
    !hasRole(params, 'operator', tx.caller)
  ) {
    throw new Forbidden("reading another account's balance", 'the auditor or the operator');
  }
  return computeBalance(tx, account);
}

/** Puts tokens from `purchased` into a hold record (one key per hold). */
export async function placeHold(
  tx: Tx,
  account: string,
  balance: Account,
  holdId: string,
  hold: Hold,
): Promise<Account> {
  if (balance.purchased < hold.amount)
    throw new InsufficientFunds('purchased', hold.amount, balance.purchased);
  await tx.write(keys.hold(account, holdId), hold);
  return { ...balance, purchased: balance.purchased - hold.amount };
}
