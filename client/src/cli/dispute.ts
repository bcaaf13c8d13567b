// `ecar dispute`: a driver disputes a settled session within the dispute window, a host answers,
// both can show it.
import { InvalidArgumentError, type Command } from 'commander';
import { DISPUTE_STATEMENT_MAX } from '../../../chaincode/src/protocol/vocabulary';
import { group, idArg, leaf, processDeps, type CliDeps, type GlobalOptions } from './context';
import { showAnswer, submitAndShow } from './ledger-actions';
import { disputeFields } from './views';

interface DisputeOptions extends GlobalOptions {
  readonly session: string;
  readonly reason: string;
}
interface SessionOptions extends GlobalOptions {
  readonly session: string;
}
interface DisputeAnswerOptions extends GlobalOptions {
  readonly session: string;
  readonly statement: string;
}

/** Registers `dispute open|show|answer`. */
export function registerDisputeCommands(program: Command, deps: CliDeps = processDeps()): void {
  const dispute = group(program, 'dispute', 'Disputes about settled sessions');
  leaf(
    dispute,
    'open',
    "Dispute a settled session within the dispute window (freezes the host's earning)",
    'ecar dispute open --session s-3f2a9c01d4e5 --reason "charged for 40 kWh, car got 12"',
  )
    .requiredOption('--session <id>', 'session id', idArg)
    .requiredOption('--reason <text>', 'what is wrong (up to 500 characters)')
    .action(
      submitAndShow(
        deps,
        'openDispute',
        (o: DisputeOptions) => ({ sessionId: o.session, reason: o.reason }),
        disputeFields,
      ),
    );
  leaf(dispute, 'show', 'Show the dispute of a session', 'ecar dispute show --session s-3f2a9c01d4e5')
    .requiredOption('--session <id>', 'session id', idArg)
    .action(showAnswer(deps, 'getDispute', (o: SessionOptions) => ({ sessionId: o.session }), disputeFields));
  leaf(
    dispute,
    'answer',
    'Give your side of a dispute about a session at your station (once, before the operator resolves it)',
    'ecar dispute answer --session s-3f2a9c01d4e5 --statement "the meter was calibrated in January"',
  )
    .requiredOption('--session <id>', 'session id', idArg)
    .requiredOption(
      '--statement <text>',
      `your side, for the driver and the operator (up to ${DISPUTE_STATEMENT_MAX} characters)`,
      statementArg,
    )
    .action(
      submitAndShow(
        deps,
        'answerDispute',
        (o: DisputeAnswerOptions) => ({ sessionId: o.session, statement: o.statement }),
        disputeFields,
      ),
    );
}

/** A dispute statement: trimmed, 1 to DISPUTE_STATEMENT_MAX characters (the ledger checks it too). */
function statementArg(value: string): string {
  const text = value.trim();
  if (text.length === 0 || text.length > DISPUTE_STATEMENT_MAX) {
    throw new InvalidArgumentError(`expected 1 to ${DISPUTE_STATEMENT_MAX} characters of text`);
  }
  return text;
}
