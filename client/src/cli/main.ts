// The `ecar` command: builds the program from one module per command group.
import { Command, CommanderError } from 'commander';
import { registerAttest } from './attest';
import { registerAttestStatus } from './attest-status';
import { registerAuditCommands } from './audit';
import { registerBalanceCommand } from './balance';
import { registerBookingCommands } from './booking';
import { processDeps, type CliDeps } from './context';
import { registerDisputeCommands } from './dispute';
import { registerHostCommands } from './host';
import { registerIssuerCommands } from './issuer';
import { registerMeterCommands } from './meter';
import { registerOperatorCommands } from './operator';
import { packageVersion } from './package-version';
import { registerProfileCommands } from './profile';
import { registerCdrCommands, registerRateCommand, registerSessionCommands } from './session';
import { registerStationCommands } from './station';
import { registerTariffCommands } from './tariff';
import { registerWalletCommands } from './wallet';

/** A command group registers its sub-commands on the root program. */
export type CommandGroup = (program: Command, deps: CliDeps) => void;

// One entry per command group module (client/src/cli/<group>.ts), in help order.
const groups: readonly CommandGroup[] = [
  registerProfileCommands,
  registerWalletCommands,
  registerBalanceCommand,
  registerStationCommands,
  registerBookingCommands,
  registerSessionCommands,
  registerCdrCommands,
  registerDisputeCommands,
  registerRateCommand,
  registerTariffCommands,
  registerHostCommands,
  registerIssuerCommands,
  registerAuditCommands,
  registerOperatorCommands,
  registerAttest,
  registerAttestStatus,
  registerMeterCommands,
];

/** The whole `ecar` program, speaking through `deps` (the process, or a test's fakes). */
export function buildProgram(deps: CliDeps = processDeps()): Command {
  const program = new Command('ecar')
    .description(
      'Confidential e-car charging ledger: client for hosts, drivers, issuer, auditor and operators',
    )
    .version(packageVersion(), '-V, --version', 'print the version of ecar')
    // Root options only before the command: `tariff show --version 3` is the tariff's version.
    .enablePositionalOptions()
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeOut: deps.stdout, writeErr: deps.stderr })
    .exitOverride();
  for (const register of groups) register(program, deps);
  return program;
}

/**
 * Runs `ecar <argv>` and resolves with the exit code it set: 0, 1 when a command failed, 2 for a
 * usage error (commander already printed it).
 */
export async function runProgram(argv: readonly string[], deps: CliDeps = processDeps()): Promise<number> {
  let code = 0;
  const program = buildProgram({
    ...deps,
    setExitCode: (c) => {
      code = c;
      deps.setExitCode(c);
    },
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // help and version exit with code 0; usage errors were already printed by commander
    code = error.exitCode === 0 ? 0 : 2;
    deps.setExitCode(code);
  }
  return code;
}

/** The process entry: runs `ecar <argv>`; output piped into a reader that stops early (| head) ends quietly. */
export async function main(argv: readonly string[]): Promise<void> {
  process.stdout.on('error', endOnClosedPipe);
  await runProgram(argv);
}

function endOnClosedPipe(error: NodeJS.ErrnoException): void {
  if (error.code !== 'EPIPE') throw error;
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`ecar: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
