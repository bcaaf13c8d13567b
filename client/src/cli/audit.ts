// Auditor commands: supply totals (minted - burned = all buckets) and one account's buckets.
import type { Command } from 'commander';
import { accountArg, action, group, leaf, processDeps, type CliDeps, type GlobalOptions } from './context';
import { obj, tokensExact } from './format';
import { showAnswer } from './ledger-actions';
import { CommandFailed, fields } from './output';
import { balanceFields } from './views';

interface AccountOptions extends GlobalOptions {
  readonly account: string;
}

/** Registers `audit totals` and `audit account`. */
export function registerAuditCommands(program: Command, deps: CliDeps = processDeps()): void {
  const audit = group(program, 'audit', 'Auditor: supply totals and account records');
  leaf(
    audit,
    'totals',
    'Total every bucket and the supply; exits 1 when minted - burned differs from the buckets',
    'ecar audit totals --profile auditor',
  ).action(
    action(
      deps,
      async (ctx) => {
        const totals = obj(await (await ctx.ledger()).evaluate('auditTotals', {}));
        if (totals.balanced !== true) {
          throw new CommandFailed(
            'the supply does not balance: minted - burned differs from the sum of all buckets',
            totals,
          );
        }
        return totals;
      },
      (t) =>
        fields([
          ['minted', tokensExact(t.minted)],
          ['burned', tokensExact(t.burned)],
          ['purchased', tokensExact(t.purchased)],
          ['earned, payable', tokensExact(t.earnedPayable)],
          ['earned, locked', tokensExact(t.earnedLocked)],
          ['platform fees', tokensExact(t.platformFees)],
          ['held by sessions', tokensExact(t.heldSessions)],
          ['held by bookings', tokensExact(t.heldBookings)],
          ['pending payouts', tokensExact(t.pendingPayouts)],
          ['all buckets', tokensExact(t.buckets)],
          ['balanced', t.balanced === true ? 'yes (minted - burned = all buckets)' : 'NO'],
        ]),
    ),
  );
  leaf(
    audit,
    'account',
    "Show any account's buckets",
    'ecar audit account --account w:5f1c...e2 --profile auditor',
  )
    .requiredOption('--account <id>', 'account id', accountArg)
    .action(showAnswer(deps, 'getBalance', (o: AccountOptions) => ({ account: o.account }), balanceFields));
}
