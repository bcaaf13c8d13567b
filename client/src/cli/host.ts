// `ecar host`: sessions and bookings at your stations, earnings, claims, payouts and where the
// issuer pays them.
import type { Command } from 'commander';
import type { JsonObject } from '../../../chaincode/src/protocol/json';
import { BOOKING_STATUSES } from '../../../chaincode/src/protocol/vocabulary';
import {
  choice,
  group,
  idArg,
  integerArg,
  leaf,
  newId,
  processDeps,
  tokensArg,
  usageError,
  type CliDeps,
  type GlobalOptions,
} from './context';
import { list, obj, str, tokensExact } from './format';
import { evaluateAnswer, listAnswer, noArgs, showAnswer, submitAndShow } from './ledger-actions';
import { fields } from './output';
import { bookingTable, sessionTable } from './views';
import type { BookingStatus } from '../../../chaincode/src/protocol/vocabulary';
import type { SessionStatus } from '../../../chaincode/src/protocol/records';

interface HostSessionsOptions extends GlobalOptions {
  readonly status?: SessionStatus;
  readonly limit?: number;
}
interface HostBookingsOptions extends GlobalOptions {
  readonly station?: string;
  readonly status?: BookingStatus;
  readonly limit?: number;
}
interface PayoutOptions extends GlobalOptions {
  readonly amount: bigint;
  readonly payoutId?: string;
}
interface DestinationOptions extends GlobalOptions {
  readonly iban?: string;
  readonly reference?: string;
}

/** Registers `host sessions|bookings|earnings|claim|payout-destination set|show|payout`. */
export function registerHostCommands(program: Command, deps: CliDeps = processDeps()): void {
  const host = group(program, 'host', 'Hosting: your sessions, bookings, earnings, claims and payouts');
  leaf(host, 'sessions', 'List sessions at your stations', 'ecar host sessions --status COMPLETED')
    .addOption(
      choice('--status <status>', 'only sessions in this status', [
        'ACTIVE',
        'COMPLETED',
        'EXPIRED',
        'INVALID',
      ]),
    )
    .option('--limit <n>', 'look at most at this many of your sessions (1-500)', integerArg(1, 500))
    .action(
      evaluateAnswer(
        deps,
        'mySessions',
        (o: HostSessionsOptions) => ({ status: o.status, limit: o.limit }),
        (answer) => list(answer).filter((s) => s.role === 'HOST'),
        (sessions) => sessionTable(sessions),
      ),
    );
  leaf(
    host,
    'bookings',
    'List the bookings at your stations, newest first',
    ['ecar host bookings', 'ecar host bookings --station home-42 --status CONFIRMED --limit 20'].join('\n'),
  )
    .option('--station <id>', 'only this station (default: every station you host)', idArg)
    .addOption(choice('--status <status>', 'only bookings in this status', BOOKING_STATUSES))
    .option('--limit <n>', 'at most this many (1-500, default 100)', integerArg(1, 500))
    .action(
      listAnswer(
        deps,
        'stationBookings',
        (o: HostBookingsOptions) => ({ stationId: o.station, status: o.status, limit: o.limit }),
        bookingTable,
      ),
    );
  leaf(
    host,
    'earnings',
    'Show your earnings: payable, locked in the dispute window, frozen, paid out',
    'ecar host earnings',
  ).action(showAnswer(deps, 'getBalance', noArgs, earningsFields));
  leaf(
    host,
    'claim',
    'Move earnings whose dispute window closed into the payable bucket',
    'ecar host claim',
  ).action(
    submitAndShow(deps, 'claimEarnings', noArgs, (c) =>
      fields([
        ['claimed', tokensExact(c.claimed)],
        ['earnings claimed', str(c, 'count')],
        ['still locked', str(c, 'stillLocked')],
      ]),
    ),
  );
  registerPayoutDestination(host, deps);
  leaf(
    host,
    'payout',
    'Request a bank payout of payable earnings; earnings whose dispute window closed are claimed first (the issuer confirms it)',
    'ecar host payout --amount 25.00',
  )
    .requiredOption('--amount <tokens>', 'amount in tokens, e.g. 25.00', tokensArg)
    .option('--payout-id <id>', 'your id for the payout (default: a random one)', idArg)
    .action(
      submitAndShow(
        deps,
        'requestPayout',
        (o: PayoutOptions) => ({ payoutId: o.payoutId ?? newId('po'), amount: o.amount }),
        (p) => {
          const claimed =
            p.claimedNow === undefined || p.claimedNow === '0'
              ? ''
              : `\n${fields([['claimed first', tokensExact(p.claimedNow)]])}`;
          return `${payoutFields(p)}${claimed}`;
        },
      ),
    );
}

function registerPayoutDestination(host: Command, deps: CliDeps): void {
  const destination = group(
    host,
    'payout-destination',
    'Where the issuer pays your payouts (sealed; only the issuer reads it)',
  );
  leaf(
    destination,
    'set',
    'Set the IBAN (checksum-checked) or payment reference your payouts go to',
    'ecar host payout-destination set --iban "DE89 3704 0044 0532 0130 00"',
  )
    .option('--iban <iban>', 'your bank account (IBAN; spaces allowed)')
    .option(
      '--reference <ref>',
      'a payment provider reference instead of an IBAN (3-64 of A-Z a-z 0-9 . _ : @ + -)',
    )
    .action(
      submitAndShow(
        deps,
        'setPayoutDestination',
        (o: DestinationOptions, command) => {
          if (o.iban !== undefined && o.reference === undefined) return { iban: o.iban };
          if (o.reference !== undefined && o.iban === undefined) return { reference: o.reference };
          return usageError(command, 'give exactly one of --iban or --reference');
        },
        destinationFields,
      ),
    );
  leaf(
    destination,
    'show',
    'Show your payout destination (masked)',
    'ecar host payout-destination show',
  ).action(
    evaluateAnswer(
      deps,
      'getPayoutDestination',
      noArgs,
      (answer) => answer,
      (d) =>
        d === null
          ? "no payout destination: set one with 'ecar host payout-destination set'"
          : destinationFields(obj(d)),
    ),
  );
}

function destinationFields(d: JsonObject): string {
  return fields([
    ['payout destination', `${str(d, 'kind') === 'IBAN' ? 'IBAN' : 'reference'} ${str(d, 'masked')}`],
  ]);
}

/** A payout record: id, account, amount, status and why it failed (host and issuer commands). */
export function payoutFields(p: JsonObject): string {
  return fields([
    ['payout', str(p, 'payoutId')],
    ['account', str(p, 'account')],
    ['amount', tokensExact(p.amount)],
    ['status', str(p, 'status')],
    ...(p.reason === undefined ? [] : [['reason', str(p, 'reason')] as const]),
  ]);
}

function earningsFields(b: JsonObject): string {
  const earned = obj(b.earned);
  const held = obj(b.held);
  return fields([
    ['account', str(b, 'account')],
    ['payable (ecar host payout)', tokensExact(earned.payable)],
    ['locked (dispute window)', tokensExact(earned.locked)],
    ['frozen (disputed)', tokensExact(earned.frozen)],
    ['pending payouts', tokensExact(held.payouts)],
  ]);
}
