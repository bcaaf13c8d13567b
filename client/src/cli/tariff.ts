// `ecar tariff`: publish a tariff version for your station (OCPI price components) and show one.
import type { Command } from 'commander';
import type { LedgerArgs } from '../fabric/ledger-client';
import {
  group,
  idArg,
  integerArg,
  leaf,
  processDeps,
  tokensArg,
  usageError,
  type CliDeps,
  type GlobalOptions,
} from './context';
import { obj, str, tokensExact } from './format';
import { readJsonFile } from './input-files';
import { showAnswer, submitAndShow } from './ledger-actions';
import { fields } from './output';
import { tariffSummary } from './views';

interface TariffSetOptions extends GlobalOptions {
  readonly station: string;
  readonly file?: string;
  readonly energy?: bigint;
  readonly time?: bigint;
  readonly flat?: bigint;
  readonly parking?: bigint;
  readonly minPrice?: bigint;
  readonly maxPrice?: bigint;
}
interface TariffShowOptions extends GlobalOptions {
  readonly station: string;
  readonly version?: number;
}

/** Registers `tariff set|show`. */
export function registerTariffCommands(program: Command, deps: CliDeps = processDeps()): void {
  const tariff = group(program, 'tariff', 'Tariffs (OCPI price components) of your stations');
  leaf(
    tariff,
    'set',
    'Publish a new tariff version for your station (sessions keep the version they started with)',
    [
      'ecar tariff set --station home-42 --energy 0.35 --parking 1.20',
      'ecar tariff set --station home-42 --file tariff.json',
    ].join('\n'),
  )
    .requiredOption('--station <id>', 'station id', idArg)
    .option(
      '--file <file>',
      'the tariff as OCPI JSON {elements:[{price_components:[...]}], min_price, max_price}',
    )
    .option('--energy <tokens>', 'price per kWh in tokens, e.g. 0.35 (needs a pinned meter)', tokensArg)
    .option('--time <tokens>', 'price per hour of charging, in tokens', tokensArg)
    .option('--flat <tokens>', 'price per session, in tokens', tokensArg)
    .option('--parking <tokens>', 'price per hour parked after charging, in tokens', tokensArg)
    .option('--min-price <tokens>', 'minimum session price, in tokens', tokensArg)
    .option('--max-price <tokens>', 'maximum session price, in tokens', tokensArg)
    .action(
      submitAndShow(
        deps,
        'setTariff',
        (o: TariffSetOptions, command) => ({
          stationId: o.station,
          tariff:
            o.file === undefined ? tariffFromFlags(o, command) : readJsonFile(o.file, '--file', command),
        }),
        (t) =>
          fields([
            ['station', str(t, 'stationId')],
            ['version', str(t, 'version')],
            ['prices', tariffSummary(t.tariff)],
          ]),
      ),
    );
  leaf(
    tariff,
    'show',
    'Show the current (or a given) tariff version of a station',
    'ecar tariff show --station home-42',
  )
    .requiredOption('--station <id>', 'station id', idArg)
    .option('--version <n>', 'tariff version', integerArg(1, 1_000_000_000))
    .action(
      showAnswer(
        deps,
        'getTariff',
        (o: TariffShowOptions) => ({ stationId: o.station, version: o.version }),
        (t) => {
          const tariffBody = obj(t.tariff);
          return fields([
            ['station', str(t, 'stationId')],
            ['version', str(t, 'version')],
            ['prices', tariffSummary(tariffBody)],
            ['min price', tariffBody.min_price === undefined ? '-' : tokensExact(tariffBody.min_price)],
            ['max price', tariffBody.max_price === undefined ? '-' : tokensExact(tariffBody.max_price)],
          ]);
        },
      ),
    );
}

function tariffFromFlags(o: TariffSetOptions, command: Command): LedgerArgs {
  const components: LedgerArgs[] = [];
  if (o.energy !== undefined) components.push({ type: 'ENERGY', price: o.energy, step_size: 1 });
  if (o.time !== undefined) components.push({ type: 'TIME', price: o.time, step_size: 60 });
  if (o.flat !== undefined) components.push({ type: 'FLAT', price: o.flat, step_size: 1 });
  if (o.parking !== undefined) components.push({ type: 'PARKING_TIME', price: o.parking, step_size: 60 });
  if (components.length === 0)
    usageError(command, 'give at least one of --energy, --time, --flat, --parking (or --file)');
  return { elements: [{ price_components: components }], min_price: o.minPrice, max_price: o.maxPrice };
}
