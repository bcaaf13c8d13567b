// The `ecar` command: builds the program from one module per command group.
import { Command, CommanderError } from 'commander';
import { registerAttest } from './attest';
import { registerAttestStatus } from './attest-status';
import { registerAuditCommands } from './audit';
import { registerDriverCommands } from './driver';
import { registerHostCommands } from './host';
import { registerIssuerCommands } from './issuer';
import { registerMeterCommands } from './meter';
import { registerOperatorCommands } from './operator';
import { registerProfileCommands } from './profile';
import { registerWalletCommands } from './wallet';

/** A command group registers its sub-commands on the root program. */
export type CommandGroup = (program: Command) => void;

// One entry per command group module (client/src/cli/<group>.ts), in help order.
const groups: readonly CommandGroup[] = [
  registerProfileCommands,
  registerWalletCommands,
  registerDriverCommands,
  registerHostCommands,
  registerIssuerCommands,
  registerAuditCommands,
  registerOperatorCommands,
  registerAttest,
  registerAttestStatus,
  registerMeterCommands,
];

export function buildProgram(): Command {
  const program = new Command('ecar')
    .description(
      'Confidential e-car charging ledger: client for hosts, drivers, issuer, auditor and operators',
    )
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  for (const register of groups) register(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version exit with code 0; usage errors were already printed by commander
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    throw error;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`ecar: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
