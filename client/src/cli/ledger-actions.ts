// The two shapes of almost every ledger command: evaluate one transaction and print its answer, or
// submit one and print its result with the block it was committed in. The arguments are built
// from the options before any network work, so a usage problem they find exits with 2.
import type { Command } from 'commander';
import type { JsonObject, JsonValue } from '../../../chaincode/src/protocol/json';
import type { LedgerArgs } from '../fabric/ledger-client';
import { action, type CliDeps, type GlobalOptions } from './context';
import { committedLine, list, obj, outcome } from './format';

/** Builds a transaction's arguments from the command's options (may exit 2 via usageError). */
export type ArgsOf<O> = (options: O, command: Command) => LedgerArgs;

/** What commander calls with the parsed options and the command. */
export type CommandAction<O> = (options: O, command: Command) => Promise<void>;

/** Evaluates `fn` and prints its answer, read as one record, with `render`. */
export function showAnswer<O extends GlobalOptions>(
  deps: CliDeps,
  fn: string,
  args: ArgsOf<O>,
  render: (answer: JsonObject, options: O) => string,
): CommandAction<O> {
  return evaluateAnswer(deps, fn, args, obj, render);
}

/** Evaluates `fn` and prints its answer, read as a list of records, with `render`. */
export function listAnswer<O extends GlobalOptions>(
  deps: CliDeps,
  fn: string,
  args: ArgsOf<O>,
  render: (rows: JsonObject[], options: O) => string,
): CommandAction<O> {
  return evaluateAnswer(deps, fn, args, list, render);
}

/** Evaluates `fn`, reads its answer with `read` (obj, list, or keeps it), prints `render` of it. */
export function evaluateAnswer<O extends GlobalOptions, T>(
  deps: CliDeps,
  fn: string,
  args: ArgsOf<O>,
  read: (answer: JsonValue) => T,
  render: (answer: T, options: O) => string,
): CommandAction<O> {
  return async (options, command) => {
    const built = args(options, command);
    await action(deps, async (ctx) => read(await (await ctx.ledger()).evaluate(fn, built)), render)(options);
  };
}

/** Submits `fn` and prints `render` of its result (one record) and the committed-in-block line. */
export function submitAndShow<O extends GlobalOptions>(
  deps: CliDeps,
  fn: string,
  args: ArgsOf<O>,
  render: (result: JsonObject, options: O) => string,
): CommandAction<O> {
  return async (options, command) => {
    const built = args(options, command);
    await action(
      deps,
      async (ctx) => outcome(await (await ctx.ledger()).submit(fn, built)),
      (committed, o: O) => `${render(obj(committed.result), o)}\n${committedLine(committed)}`,
    )(options);
  };
}

/** No arguments. */
export const noArgs: ArgsOf<GlobalOptions> = () => ({});
