// `ecar meter verify`: checks OCMF signed meter records (one record or a S.A.F.E. transparency XML
// export) and shows per record what a transparency tool shows: meter, key fingerprint, signature
// result, readings with units and states, identification, and why a record is not billable.
import { Command, Option } from 'commander';
import { readSafeXml, xmlPublicKeyInput, type SafeXmlValue } from '../meter/safe-xml';
import {
  verifyMeterRecords,
  type MeterRecordInput,
  type MeterVerifyReport,
  type PairReport,
  type RecordReport,
} from '../meter/report';
import { BILLING_DEFAULTS, type SessionContext } from '../../../chaincode/src/protocol/ocmf';
import { action, integerArg, isoArg, processDeps, usageError, type CliDeps } from './context';
import { readTextFile } from './input-files';
import { registerMeterSimulate } from './meter-simulate';
import { explainOffline } from './errors';
import { CommandFailed, table } from './output';

interface VerifyOptions {
  readonly ocmf?: string;
  readonly xml?: string;
  readonly publicKey?: string;
  readonly maxPowerW?: number;
  readonly sessionStart?: string;
  readonly settledAt?: string;
  readonly powerToleranceBps: number;
  readonly meterClockSkew: number;
  readonly timeSkew: number;
  readonly json?: boolean;
}

const VERIFY_HELP = `
Exit status: 0 when every record is valid, 1 when a record is invalid or the input cannot be read,
2 for usage errors. A pair that is not billable does not change the exit status; check "pairs".

With --json the answer is {ok, recordCount, validCount, records[], pairs[]}; when a record is
invalid it is wrapped as {ok: false, code: "FAILED", error, result: {...the same...}}. Each record
says signature ("valid", "invalid" or "not checked"), signatureForm (der|raw), keyFingerprint
(SHA-256 of the key's SPKI), meter and identification fields, readings (value as signed, valueWh
exact, meterStatus/timeStatus with their meaning, errorFlags), billable and notBillableReason.

Pairs are judged by the rules stopSession settles by. The records alone decide most of them; the
session rules (ABSOLUTE_TIME, SESSION_SPAN, POWER_PLAUSIBLE) need the session: give --max-power-w
and --session-start (and the station's parameters if they differ from the defaults), or each
billable pair lists them under "unchecked". The ledger alone knows two more: the station's pinned
meter (METER_MISMATCH) and the pagination already settled (METER_REPLAY).

Examples:
  $ ecar meter verify --xml test_ocmf_keba_kcp30.xml
  $ ecar meter verify --xml export.xml --max-power-w 11000 --session-start 2026-05-01T18:30:00Z
  $ ecar meter verify --xml export.xml --public-key 3059301306072A8648CE3D0201... --json
  $ ecar meter verify --ocmf 'OCMF|{"FV":"1.0",...}|{"SD":"3045..."}' --public-key "$(cat meter.pem)"`;

/** Registers `ecar meter ...`. */
export function registerMeterCommands(program: Command, deps: CliDeps = processDeps()): void {
  const meter = program
    .command('meter')
    .description('Signed meter data (OCMF): verify records and exports, simulate a development meter');
  meter
    .command('verify')
    .description(
      'Verify OCMF signed meter records: signature, format, and whether begin/end readings form a billable pair',
    )
    .addOption(new Option('--ocmf <record>', "one OCMF record 'OCMF|{payload}|{signature}'").conflicts('xml'))
    .addOption(
      new Option('--xml <file>', 'a S.A.F.E. transparency XML export of the wallbox').conflicts('ocmf'),
    )
    .option(
      '--public-key <key>',
      "the meter's public key (SPKI DER as hex or base64, PEM, or a bare EC point); overrides keys in the XML",
    )
    .option(
      '--max-power-w <watts>',
      "the session connector's maximum power in W (the station's maxElectricPower)",
      integerArg(1, 1_000_000),
    )
    .option('--session-start <time>', 'when the session started on the ledger (UTC)', isoArg)
    .option('--settled-at <time>', 'when it settles (UTC; default now)', isoArg)
    .option(
      '--power-tolerance-bps <n>',
      'energy accepted beyond max power × duration, basis points (ledger parameter meterPowerToleranceBps)',
      integerArg(0, 10_000),
      BILLING_DEFAULTS.powerToleranceBps,
    )
    .option(
      '--meter-clock-skew <seconds>',
      "how far the meter's clock may be off (ledger parameter meterClockSkewSeconds)",
      integerArg(0, 3600),
      BILLING_DEFAULTS.meterClockSkewSeconds,
    )
    .option(
      '--time-skew <seconds>',
      "the enclaves' trusted-time window, kept as a margin for the settlement time",
      integerArg(0, 3600),
      0,
    )
    .option('--json', 'print the result as JSON')
    .addHelpText('after', VERIFY_HELP)
    .action(async (options: VerifyOptions, command: Command) => {
      const load = inputLoader(options, command);
      const context = sessionContext(options, command);
      const run = action(
        deps,
        () => Promise.resolve(verifyOrFail(load(), options, context, deps)),
        renderReport,
        explainOffline,
      );
      await run(options);
    });
  registerMeterSimulate(meter, deps);
}

/**
 * Checks usage and reads the file (problems there exit with 2); returns what parses the input, whose
 * problems are a "no" about the data (exit 1).
 */
function inputLoader(options: VerifyOptions, command: Command): () => MeterRecordInput[] {
  const { ocmf, xml: file } = options;
  if (ocmf !== undefined) return () => [{ signedData: ocmf }];
  if (file === undefined) {
    return command.error('error: give one of --ocmf <record> or --xml <file>', {
      exitCode: 2,
      code: 'ecar.usage',
    });
  }
  const xml = readTextFile(file, '--xml', command);
  return () => readSafeXml(xml).map(toRecordInput);
}

/** The session the pairs are judged against, when --max-power-w and --session-start say it. */
function sessionContext(options: VerifyOptions, command: Command): SessionContext | undefined {
  const { maxPowerW, sessionStart } = options;
  if (maxPowerW === undefined && sessionStart === undefined) {
    if (options.settledAt !== undefined)
      usageError(command, '--settled-at needs --max-power-w and --session-start');
    return undefined;
  }
  if (maxPowerW === undefined || sessionStart === undefined) {
    return usageError(command, 'the session context needs both --max-power-w and --session-start');
  }
  return {
    maxPowerW,
    powerToleranceBps: options.powerToleranceBps,
    sessionStartMs: Date.parse(sessionStart),
    settledAtMs: options.settledAt === undefined ? Date.now() : Date.parse(options.settledAt),
    trustedTimeSkewMs: options.timeSkew * 1000,
    meterClockSkewMs: options.meterClockSkew * 1000,
  };
}

function toRecordInput(value: SafeXmlValue): MeterRecordInput {
  const key = value.publicKey;
  return {
    signedData: value.signedData,
    format: value.format,
    ...(value.transactionId === undefined ? {} : { transactionId: value.transactionId }),
    ...(value.context === undefined ? {} : { context: value.context }),
    ...(key === undefined ? {} : { embeddedKey: () => xmlPublicKeyInput(key) }),
  };
}

function verifyOrFail(
  inputs: readonly MeterRecordInput[],
  options: VerifyOptions,
  context: SessionContext | undefined,
  deps: CliDeps,
): MeterVerifyReport {
  const report = verifyMeterRecords(inputs, options.publicKey, context);
  if (!report.ok) {
    if (!options.json) deps.stdout(`${renderReport(report)}\n`);
    const invalid = report.recordCount - report.validCount;
    throw new CommandFailed(`${invalid} of ${report.recordCount} record(s) invalid`, report);
  }
  return report;
}

function renderReport(report: MeterVerifyReport): string {
  const blocks = report.records.map(renderRecord);
  for (const pair of report.pairs) blocks.push(renderPair(pair));
  blocks.push(`${report.validCount} of ${report.recordCount} record(s) valid`);
  return blocks.join('\n\n');
}

function renderRecord(record: RecordReport): string {
  const head = record.valid ? 'valid' : `INVALID: ${record.error?.code ?? ''}: ${record.error?.reason ?? ''}`;
  const claim = record.verified ? '' : ' (unverified)';
  const lines = [
    `record ${record.index}: ${head}`,
    joined([
      `  meter ${record.meterSerial ?? '?'}${claim}`,
      [record.meterVendor, record.meterModel].filter((x) => x !== null && x !== '').join(' '),
      labelled('firmware', record.meterFirmware),
      `pagination ${record.pagination ?? '?'}`,
      labelled('OCMF', record.formatVersion),
    ]),
    joined([`  signature ${record.signature}: ${signatureText(record)}`, keyText(record)]),
  ];
  const id = record.identification;
  if (id !== null) {
    lines.push(
      joined([
        `  identification ${id.assigned ? 'assigned' : 'not assigned'}`,
        labelled('level', id.level),
        labelled('type', id.type),
        labelled('flags', id.flags.join(',')),
      ]),
    );
  }
  if (record.readings.length > 0) lines.push(readingTable(record));
  if (record.energyWh !== null) lines.push(`  energy ${record.energyWh} Wh`);
  lines.push(record.billable ? '  billable' : `  not billable: ${record.notBillableReason ?? ''}`);
  return lines.join('\n');
}

function signatureText(record: RecordReport): string {
  const form = record.signatureForm === null ? '' : record.signatureForm === 'raw' ? 'raw r||s' : 'DER';
  const layout = [form, record.signatureEncoding ?? ''].filter((x) => x !== '').join(' ');
  return `${record.signatureMethod ?? '?'} (${[record.curve ?? '?', layout].filter((x) => x !== '').join(', ')})`;
}

function keyText(record: RecordReport): string {
  return joined([`key ${record.keySource}`, labelled('SHA-256', record.keyFingerprint)]);
}

function readingTable(record: RecordReport): string {
  const rows = record.readings.map((r) => [
    `  ${r.type ?? '-'}`,
    `${r.time} (${r.timeStatus}: ${r.timeStatusText})`,
    r.value === null ? '-' : `${r.value} ${r.unit ?? ''}`,
    r.valueWh === null ? '' : `${r.valueWh} Wh`,
    r.obis ?? '',
    `${r.meterStatus} ${r.meterStatusText}`,
    r.errorFlags === '' ? '' : `EF=${r.errorFlags}`,
  ]);
  return table([['  TX', 'time', 'value', 'energy', 'register', 'state', 'flags'], ...rows]);
}

/** "label value", or nothing when the value is absent or empty. */
function labelled(label: string, value: string | null): string {
  return value === null || value === '' ? '' : `${label} ${value}`;
}

function joined(parts: readonly string[]): string {
  return parts.filter((part) => part !== '').join('  ');
}

function renderPair(pair: PairReport): string {
  const name =
    pair.records.length === 1 ? `record ${pair.records[0] ?? ''}` : `records ${pair.records.join(' + ')}`;
  if (!pair.billable) {
    const rule = pair.error?.rule ? ` [${pair.error.rule}]` : '';
    return `pair (${name}): ${pair.error?.code ?? 'METER_READINGS_INVALID'}${rule}: ${pair.error?.reason ?? 'not billable'}`;
  }
  const line =
    `pair (${name}): billable, ${pair.energyWh ?? '?'} Wh, meter ${pair.meterSerial ?? '?'}, ` +
    `${pair.begin?.time ?? '?'} → ${pair.end?.time ?? '?'}`;
  if (pair.unchecked.length === 0) return line;
  return (
    `${line}\n  by the records alone; a settlement also checks ${pair.unchecked.join(', ')} ` +
    '(give --max-power-w and --session-start)'
  );
}
