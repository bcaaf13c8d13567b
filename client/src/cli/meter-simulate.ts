// `ecar meter simulate`: a development meter, so the charging story can be followed by hand on a
// local network: `new` creates a key (and the public key to pin), `charge` signs the begin and end
// records of one session and writes the wallbox's S.A.F.E. XML export. Development only: the key is
// not a calibrated meter's and the consortium trusts it only when an operator approves it.
import { createPublicKey } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { decimalToMilliWh, displayMoney } from '../../../chaincode/src/protocol/units';
import {
  createDevMeterFile,
  devSerial,
  loadDevMeterFile,
  saveDevMeterFile,
  type DevMeterState,
} from '../meter/dev-meter-file';
import { signReadings } from '../meter/dev-meter';
import { safeXmlExport } from '../meter/safe-xml-write';
import { action, exampleText, isoArg, processDeps, usageError, type CliDeps } from './context';
import { explainOffline } from './errors';
import { fields } from './output';

/** The first line of every human answer, and the note in every --help. */
const DEVELOPMENT_ONLY = 'DEVELOPMENT METER: not a calibrated meter, for a local or test network only';
const TRUST_NOTE =
  "The consortium does not trust this key: settlement priced per kWh needs the operator to approve it (ecar operator approve-meter) or the parameter allowUnverifiedMeterKeys. A real meter's key comes from the wallbox (its web UI or the vendor's documentation) or, once connected, from the charging backend.";

interface NewOptions {
  readonly file: string;
  readonly serial?: string;
  readonly publicKeyOut?: string;
  readonly json?: boolean;
}
interface ChargeOptions {
  readonly file: string;
  readonly kwh: string;
  readonly minutes: number;
  readonly end?: string;
  readonly xml: string;
  readonly transactionId?: string;
  readonly json?: boolean;
}

interface NewResult {
  readonly developmentOnly: true;
  readonly file: string;
  readonly serial: string;
  readonly publicKeyHex: string;
  readonly publicKeyFile?: string;
}
interface ChargeResult {
  readonly developmentOnly: true;
  readonly xml: string;
  readonly serial: string;
  readonly records: readonly string[];
  readonly begin: { readonly page: string; readonly time: string; readonly registerKwh: string };
  readonly end: { readonly page: string; readonly time: string; readonly registerKwh: string };
  readonly energyMilliWh: bigint;
}

/** Registers `simulate new|charge` under `ecar meter`. */
export function registerMeterSimulate(meter: Command, deps: CliDeps = processDeps()): void {
  const simulate = meter
    .command('simulate')
    .description('A development meter (not calibrated): a key, signed begin/end records, a S.A.F.E. export');
  simulate
    .command('new')
    .description(`Create a development meter key file (${DEVELOPMENT_ONLY})`)
    .requiredOption('--file <file>', 'the meter file to create (private key inside, mode 0600)')
    .option('--serial <serial>', 'meter serial (default DEV- and 8 hex digits)', serialArg)
    .option('--public-key-out <file>', "write the meter's public key (PEM) here, for station pin-meter")
    .option('--json', 'print JSON for machines')
    .addHelpText('after', `\n${TRUST_NOTE}\n\n${exampleText(NEW_EXAMPLES)}`)
    .action(
      action(
        deps,
        (_ctx, o: NewOptions): Promise<NewResult> => Promise.resolve(createMeter(o)),
        renderNew,
        explainOffline,
      ),
    );
  simulate
    .command('charge')
    .description(
      `Sign the begin and end records of one session and write its S.A.F.E. XML export (${DEVELOPMENT_ONLY})`,
    )
    .requiredOption('--file <file>', "the meter file of 'ecar meter simulate new'")
    .requiredOption('--kwh <energy>', 'energy charged in kWh, e.g. 12.345 (at most 6 decimals)', kwhArg)
    .option('--minutes <n>', 'how long the charge took (default 1)', minutesArg, 1)
    .option('--end <time>', 'when charging ended, UTC (default: now)', isoArg)
    .requiredOption('--xml <file>', 'where to write the S.A.F.E. transparency XML export')
    .option('--transaction-id <id>', 'the export’s transactionId (default: the meter pages)')
    .option('--json', 'print JSON for machines (energy in milliwatt-hours)')
    .addHelpText('after', `\n${TRUST_NOTE}\n\n${exampleText(CHARGE_EXAMPLES)}`)
    .action(async (o: ChargeOptions, command: Command) => {
      if (o.end !== undefined && Date.parse(o.end) > deps.now().getTime()) {
        usageError(command, '--end lies in the future: a meter signs readings it has taken');
      }
      await action(
        deps,
        (_ctx, opts: ChargeOptions): Promise<ChargeResult> => Promise.resolve(charge(opts, deps.now())),
        renderCharge,
        explainOffline,
      )(o);
    });
}

const NEW_EXAMPLES = [
  'ecar meter simulate new --file dev-meter.json --public-key-out dev-meter.pem',
  'ecar meter simulate new --file dev-meter.json --serial DEV-0001 --json',
].join('\n');
const CHARGE_EXAMPLES = [
  'ecar meter simulate charge --file dev-meter.json --kwh 5.000 --minutes 30 --xml wallbox-export.xml',
  'ecar session stop --session s-3f2a9c01d4e5 --xml wallbox-export.xml',
].join('\n');

function createMeter(o: NewOptions): NewResult {
  const state = createDevMeterFile(o.file, o.serial ?? devSerial());
  if (o.publicKeyOut !== undefined) {
    const pem = createPublicKey(state.meter.privateKey).export({ format: 'pem', type: 'spki' }).toString();
    writeFileSync(o.publicKeyOut, pem);
  }
  return {
    developmentOnly: true,
    file: o.file,
    serial: state.meter.serial,
    publicKeyHex: state.meter.publicKeyHex,
    ...(o.publicKeyOut === undefined ? {} : { publicKeyFile: o.publicKeyOut }),
  };
}

function charge(o: ChargeOptions, now: Date): ChargeResult {
  const state = loadDevMeterFile(o.file);
  const endMs = o.end === undefined ? now.getTime() : Date.parse(o.end);
  const beginMs = endMs - o.minutes * 60_000;
  const energy = decimalToMilliWh(o.kwh, 'kWh');
  const beginRegister = state.registerMilliWh;
  const endRegister = beginRegister + energy;
  const beginPage = state.nextPage;
  const begin = signReadings(state.meter, beginPage, [
    { type: 'B', timeMs: beginMs, kwh: kwhText(beginRegister) },
  ]);
  const end = signReadings(state.meter, beginPage + 1, [
    { type: 'E', timeMs: endMs, kwh: kwhText(endRegister) },
  ]);
  const next: DevMeterState = { ...state, nextPage: beginPage + 2, registerMilliWh: endRegister };
  writeFileSync(
    o.xml,
    safeXmlExport(o.transactionId ?? `${state.meter.serial}-T${beginPage}`, [
      { record: begin, context: 'Transaction.Begin', publicKeyHex: state.meter.publicKeyHex },
      { record: end, context: 'Transaction.End', publicKeyHex: state.meter.publicKeyHex },
    ]),
  );
  saveDevMeterFile(o.file, next);
  return {
    developmentOnly: true,
    xml: o.xml,
    serial: state.meter.serial,
    records: [begin, end],
    begin: {
      page: `T${beginPage}`,
      time: new Date(beginMs).toISOString(),
      registerKwh: kwhText(beginRegister),
    },
    end: {
      page: `T${beginPage + 1}`,
      time: new Date(endMs).toISOString(),
      registerKwh: kwhText(endRegister),
    },
    energyMilliWh: energy,
  };
}

/** Milliwatt-hours as the exact kWh text a meter register shows (6 decimals). */
function kwhText(milliWh: bigint): string {
  return displayMoney(milliWh, 6);
}

function renderNew(r: NewResult): string {
  return [
    DEVELOPMENT_ONLY,
    fields([
      ['meter file', `${r.file} (private key inside: keep it, do not share it)`],
      ['serial', r.serial],
      ['public key', r.publicKeyFile ?? r.publicKeyHex],
      [
        'pin it',
        `ecar station pin-meter --station ID --vendor ecar --model development-meter --serial ${r.serial} --public-key ${r.publicKeyFile ?? r.publicKeyHex}`,
      ],
    ]),
    TRUST_NOTE,
  ].join('\n');
}

function renderCharge(r: ChargeResult): string {
  return [
    DEVELOPMENT_ONLY,
    fields([
      ['export', `${r.xml} (S.A.F.E. XML, 2 signed OCMF records)`],
      ['meter', r.serial],
      ['begin', `${r.begin.page} ${r.begin.time} ${r.begin.registerKwh} kWh`],
      ['end', `${r.end.page} ${r.end.time} ${r.end.registerKwh} kWh`],
      ['energy', `${displayMoney(r.energyMilliWh, 6)} kWh`],
    ]),
  ].join('\n');
}

function serialArg(value: string): string {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(value)) {
    throw new InvalidArgumentError('expected a serial of 1-64 characters A-Z a-z 0-9 . _ -');
  }
  return value;
}

function kwhArg(value: string): string {
  try {
    decimalToMilliWh(value, 'kWh');
  } catch {
    throw new InvalidArgumentError('expected kWh as a decimal with at most 6 decimals, e.g. 12.345');
  }
  return value;
}

function minutesArg(value: string): number {
  const n = /^[0-9]{1,5}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n > 1440)
    throw new InvalidArgumentError('expected whole minutes from 0 to 1440');
  return n;
}
