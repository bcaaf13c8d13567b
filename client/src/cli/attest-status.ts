// `ecar attest status`: what the profile's client sees of the enclaves: every registered enclave,
// its org, measurement, TCB status and key epoch, verified against the profile's policy or why not.
import type { Command } from 'commander';
import type { AttestationStatusReport } from '../app/ledger-session';
import { action, group, isoArg, leaf, processDeps, type CliDeps, type GlobalOptions } from './context';
import { CommandFailed, fields, table } from './output';

interface StatusOptions extends GlobalOptions {
  readonly at?: string;
}

/** Registers `attest status` beside the existing `attest verify`. */
export function registerAttestStatus(program: Command, deps: CliDeps = processDeps()): void {
  const attest = group(program, 'attest', 'Remote attestation: verify enclave evidence');
  leaf(
    attest,
    'status',
    "Verify every registered enclave against your profile's policy; exit 0 only when the ledger's keys are trusted",
    'ecar attest status --profile driver',
  )
    .option('--at <iso8601>', 'verify at this time instead of now', isoArg)
    .action(
      action(
        deps,
        async (ctx, o: StatusOptions) => {
          const profile = ctx.profile();
          const report = await deps.attestationStatus(
            profile,
            o.at === undefined ? deps.now() : new Date(o.at),
          );
          if (!report.trusted) {
            if (o.json !== true) deps.stdout(`${render(report)}\n`);
            const why = report.problems.join('; ') || 'not enough verified enclaves';
            throw new CommandFailed(
              `the enclaves are not trusted: ${why}; check your policy file (${profile.policy ?? '-'})`,
              report,
            );
          }
          return report;
        },
        render,
      ),
    );
}

function render(report: AttestationStatusReport): string {
  const head = fields([
    ['trusted', report.trusted ? 'yes' : 'NO'],
    ['current key epoch', report.currentEpoch === null ? '-' : String(report.currentEpoch)],
    ['verified at', report.verifiedAt],
    ...report.problems.map((p) => ['problem', p] as const),
    ...report.warnings.map((w) => ['warning', w] as const),
  ]);
  if (report.enclaves.length === 0) return `${head}\nno enclaves registered`;
  const rows = report.enclaves.map((e) => [
    `${e.id.slice(0, 16)}…`,
    e.mspId,
    `${e.measurement.slice(0, 16)}…`,
    e.tcbStatus,
    e.epoch === null ? '-' : String(e.epoch),
    e.verified ? 'verified' : `NOT verified: ${e.reason ?? 'unknown'}`,
  ]);
  return `${head}\n\n${table([['enclave', 'org', 'measurement', 'TCB', 'epoch', 'verdict'], ...rows])}`;
}
