// `ecar booking`: reserve an EVSE for a time slot, list, show and cancel your bookings.
import type { Command } from 'commander';
import { BOOKING_STATUSES } from '../../../chaincode/src/protocol/vocabulary';
import {
  choice,
  group,
  idArg,
  integerArg,
  isoArg,
  leaf,
  newId,
  processDeps,
  usageError,
  type CliDeps,
  type GlobalOptions,
} from './context';
import { listAnswer, showAnswer, submitAndShow } from './ledger-actions';
import { bookingFields, bookingTable } from './views';
import type { BookingStatus } from '../../../chaincode/src/protocol/vocabulary';

interface BookingCreateOptions extends GlobalOptions {
  readonly station: string;
  readonly evse: string;
  readonly from: string;
  readonly to: string;
  readonly bookingId?: string;
  readonly acceptNoFreeCancel?: boolean;
}
interface BookingOptions extends GlobalOptions {
  readonly booking: string;
}
interface BookingListOptions extends GlobalOptions {
  readonly status?: BookingStatus;
  readonly limit?: number;
}

const bookingId = (o: BookingOptions): { bookingId: string } => ({ bookingId: o.booking });

/** Registers `booking create|list|show|cancel`. */
export function registerBookingCommands(program: Command, deps: CliDeps = processDeps()): void {
  const booking = group(program, 'booking', 'Bookings: reserve an EVSE for a time slot');
  leaf(
    booking,
    'create',
    "Book an EVSE for a time slot; the station's no-show fee is held",
    'ecar booking create --station home-42 --evse EVSE-1 --from 2026-05-01T18:00:00Z --to 2026-05-01T20:00:00Z',
  )
    .requiredOption('--station <id>', 'station id', idArg)
    .requiredOption('--evse <uid>', 'EVSE uid', idArg)
    .requiredOption('--from <time>', 'start, UTC, e.g. 2026-05-01T18:00:00Z', isoArg)
    .requiredOption('--to <time>', 'end, UTC', isoArg)
    .option('--booking-id <id>', 'your id for the booking (default: a random one)', idArg)
    .option(
      '--accept-no-free-cancel',
      'book even when free cancellation is already over (cancelling or not showing up then costs the no-show fee)',
    )
    .hook('preAction', (_create, command) => {
      const o = command.opts<BookingCreateOptions>();
      if (Date.parse(o.to) <= Date.parse(o.from)) usageError(command, '--to must be after --from');
    })
    .action(
      submitAndShow(
        deps,
        'createBooking',
        (o: BookingCreateOptions) => ({
          bookingId: o.bookingId ?? newId('bk'),
          stationId: o.station,
          evseUid: o.evse,
          startAt: o.from,
          endAt: o.to,
          acceptNoFreeCancellation: o.acceptNoFreeCancel === true ? true : undefined,
        }),
        bookingFields,
      ),
    );
  leaf(
    booking,
    'list',
    'List your bookings, newest first (ids for booking cancel and show)',
    'ecar booking list --status CONFIRMED',
  )
    .addOption(choice('--status <status>', 'only bookings in this status', BOOKING_STATUSES))
    .option('--limit <n>', 'at most this many (1-500, default 100)', integerArg(1, 500))
    .action(
      listAnswer(
        deps,
        'myBookings',
        (o: BookingListOptions) => ({ status: o.status, limit: o.limit }),
        bookingTable,
      ),
    );
  leaf(
    booking,
    'show',
    'Show one booking (yours, or one at a station you host)',
    'ecar booking show --booking bk-3f2a9c01d4e5',
  )
    .requiredOption('--booking <id>', 'booking id', idArg)
    .action(showAnswer(deps, 'getBooking', bookingId, bookingFields));
  leaf(
    booking,
    'cancel',
    'Cancel a booking (free until the station’s cancellation deadline)',
    'ecar booking cancel --booking bk-3f2a9c01d4e5',
  )
    .requiredOption('--booking <id>', 'booking id', idArg)
    .action(submitAndShow(deps, 'cancelBooking', bookingId, bookingFields));
}
