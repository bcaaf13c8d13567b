// The two shapes of almost every ledger command: evaluate one transaction and print its answer, or
// submit one and print its result with the block it was committed in. The arguments are built
// from the options before any network work, so a usage problem they find exits with 2.
import type { Command } from 'commander';
import type { JsonObject, JsonValue } from '../../../chaincode/src/protocol/json';
import type {
  ArgsOf,
  EvaluateName,
  SubmitName,
  TransactionName,
} from '../../../chaincode/src/protocol/transactions';
import type { LedgerArgs } from '../fabric/ledger-client';
import { action, type CliDeps, type GlobalOptions } from './context';
import { committedLine, list, obj, outcome } from './format';

/**
 * Builds transaction `N`'s arguments from the command's options (may exit 2 via usageError); typed
 * by the protocol's transaction table, so a misspelt or mistyped field does not compile.
 */
export type ArgsBuilder<O, N extends TransactionName> = (options: O, command: Command) => ArgsOf<N>;

/** What commander calls with the parsed options and the command. */
export type CommandAction<O> = (options: O, command: Command) => Promise<void>;

/** Evaluates `fn` and prints its answer, read as one record, with `render`. */
export function showAnswer<O extends GlobalOptions, N extends EvaluateName>(
  deps: CliDeps,
  fn: N,
  args: ArgsBuilder<O, N>,
  render: (answer: JsonObject, options: O) => string,
): CommandAction<O> {
  return evaluateAnswer(deps, fn, args, obj, render);
}

/** Evaluates `fn` and prints its answer, read as a list of records, with `render`. */
export function listAnswer<O extends GlobalOptions, N extends EvaluateName>(
  deps: CliDeps,
  fn: N,
  args: ArgsBuilder<O, N>,
  render: (rows: JsonObject[], options: O) => string,
): CommandAction<O> {
  return evaluateAnswer(deps, fn, args, list, render);
}

/** Evaluates `fn`, reads its answer with `read` (obj, list, or keeps it), prints `render` of it. */
export function evaluateAnswer<O extends GlobalOptions, N extends EvaluateName, T>(
  deps: CliDeps,
  fn: N,
  args: ArgsBuilder<O, N>,
  read: (answer: JsonValue) => T,
  render: (answer: T, options: O) => string,
): CommandAction<O> {
  return async (options, command) => {
    const built = args(options, command);
    await action(
      deps,
      async (ctx) => read(await (await ctx.ledger()).evaluate(fn, onWire(built))),
      render,
    )(options);
  };
}

/** Submits `fn` and prints `render` of its result (one record) and the committed-in-block line. */
export function submitAndShow<O extends GlobalOptions, N extends SubmitName>(
  deps: CliDeps,
  fn: N,
  args: ArgsBuilder<O, N>,
  render: (result: JsonObject, options: O) => string,
): CommandAction<O> {
  return async (options, command) => {
    const built = args(options, command);
    await action(
      deps,
      async (ctx) => outcome(await (await ctx.ledger()).submit(fn, onWire(built))),
      (committed, o: O) => `${render(obj(committed.result), o)}\n${committedLine(committed)}`,
    )(options);
  };
}

/** Typed arguments as the untyped client takes them: the same JSON object (interfaces have no index signature). */
function onWire(args: ArgsOf<TransactionName>): LedgerArgs {
  return args as LedgerArgs;
}

/** No arguments. */
export const noArgs = (): Record<string, never> => ({});
