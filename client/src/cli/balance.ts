// `ecar balance`: the caller's token buckets (purchased, earned, held).
import type { Command } from 'commander';
import { leaf, processDeps, type CliDeps } from './context';
import { noArgs, showAnswer } from './ledger-actions';
import { balanceFields } from './views';

/** Registers `ecar balance`. */
export function registerBalanceCommand(program: Command, deps: CliDeps = processDeps()): void {
  leaf(
    program,
    'balance',
    'Show your token buckets: purchased, earned, held',
    'ecar balance --profile driver',
  ).action(showAnswer(deps, 'getBalance', noArgs, balanceFields));
}
