// Issuer commands: mint tokens for a top-up (idempotent per payment reference) and close payouts
// (confirm: the bank transfer went out and the tokens are burned; fail: they return to the host).
import { InvalidArgumentError, type Command } from 'commander';
import type { JsonObject } from '../../../chaincode/src/protocol/json';
import {
  accountArg,
  group,
  idArg,
  integerArg,
  leaf,
  tokensArg,
  processDeps,
  type CliDeps,
  type GlobalOptions,
} from './context';
import { obj, str, time, tokens, tokensExact } from './format';
import { listAnswer, submitAndShow } from './ledger-actions';
import { payoutFields } from './host';
import { fields, table } from './output';

interface MintOptions extends GlobalOptions {
  readonly account: string;
  readonly amount: bigint;
  readonly paymentRef: string;
}
interface PayoutListOptions extends GlobalOptions {
  readonly limit?: number;
}
interface PayoutCloseOptions extends GlobalOptions {
  readonly account: string;
  readonly payoutId: string;
  readonly reason?: string;
}

const PAYMENT_REF = /^[A-Za-z0-9._:-]{1,64}$/;

function paymentRefArg(value: string): string {
  if (!PAYMENT_REF.test(value))
    throw new InvalidArgumentError('expected 1-64 characters of A-Z a-z 0-9 . _ : -');
  return value;
}

/** Registers `issuer mint` and `issuer payout confirm|fail`. */
export function registerIssuerCommands(program: Command, deps: CliDeps = processDeps()): void {
  const issuer = group(program, 'issuer', 'Token issuer: top-ups and payouts');
  leaf(
    issuer,
    'mint',
    'Credit purchased tokens for a top-up; the same payment reference never mints twice',
    'ecar issuer mint --account w:5f1c...e2 --amount 50.00 --payment-ref psp-2026-0001',
  )
    .requiredOption(
      '--account <id>',
      "the driver's account id (they print it with 'ecar whoami')",
      accountArg,
    )
    .requiredOption('--amount <tokens>', 'amount in tokens, e.g. 50.00', tokensArg)
    .requiredOption('--payment-ref <ref>', 'the payment provider reference of the top-up', paymentRefArg)
    .action(
      submitAndShow(
        deps,
        'mint',
        (o: MintOptions) => ({ account: o.account, amount: o.amount, paymentRef: o.paymentRef }),
        (m) => {
          const replayed = m.replayed === true ? ' (already minted earlier: nothing new credited)' : '';
          return fields([
            ['account', str(m, 'account')],
            ['amount', tokensExact(m.amount)],
            ['payment ref', `${str(m, 'paymentRef')}${replayed}`],
          ]);
        },
      ),
    );

  const payout = group(issuer, 'payout', 'Close payouts that hosts requested');
  leaf(
    payout,
    'list',
    'List the pending payouts, oldest first, with where to pay each (IBAN or reference)',
    'ecar issuer payout list',
  )
    .option('--limit <n>', 'at most this many (1-500, default 100)', integerArg(1, 500))
    .action(listAnswer(deps, 'pendingPayouts', (o: PayoutListOptions) => ({ limit: o.limit }), pendingTable));
  leaf(
    payout,
    'confirm',
    'Confirm that the bank transfer of a payout went out (burns the escrowed tokens)',
    'ecar issuer payout confirm --account x509:AbC... --payout-id po-3f2a9c01d4e5',
  )
    .requiredOption('--account <id>', "the host's account id", accountArg)
    .requiredOption('--payout-id <id>', 'payout id', idArg)
    .action(
      submitAndShow(
        deps,
        'confirmPayout',
        (o: PayoutCloseOptions) => ({ account: o.account, payoutId: o.payoutId }),
        payoutFields,
      ),
    );
  leaf(
    payout,
    'fail',
    "Record that a payout's bank transfer failed (the tokens return to the host's earned bucket)",
    'ecar issuer payout fail --account x509:AbC... --payout-id po-3f2a9c01d4e5 --reason "IBAN rejected"',
  )
    .requiredOption('--account <id>', "the host's account id", accountArg)
    .requiredOption('--payout-id <id>', 'payout id', idArg)
    .option('--reason <text>', 'why (up to 200 characters)')
    .action(
      submitAndShow(
        deps,
        'failPayout',
        (o: PayoutCloseOptions) => ({ account: o.account, payoutId: o.payoutId, reason: o.reason }),
        payoutFields,
      ),
    );
}

function pendingTable(payouts: readonly JsonObject[]): string {
  if (payouts.length === 0) return 'no pending payouts';
  return table([
    ['payout', 'account', 'amount', 'requested', 'pay to'],
    ...payouts.map((p) => {
      const d = p.destination === null || p.destination === undefined ? undefined : obj(p.destination);
      return [
        str(p, 'payoutId'),
        str(p, 'account'),
        tokens(p, 'amount'),
        time(p, 'requestedAt'),
        d === undefined ? '(none set)' : `${str(d, 'kind')} ${str(d, 'value')}`,
      ];
    }),
  ]);
}
