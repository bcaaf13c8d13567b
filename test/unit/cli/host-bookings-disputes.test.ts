// `ecar host bookings` and `ecar dispute answer` against a recording LedgerClient: the transaction
// and arguments sent, the table and fields printed, --json, refusals, and bad flags exit 2.
import { expect } from 'chai';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import { json, RecordingLedger, runCli } from './harness';

const BOOKING = {
  id: 'bk-2',
  driver: 'w:' + 'cd'.repeat(32),
  host: 'x509:host',
  stationId: 'home-42',
  evseUid: 'EVSE-1',
  startAt: Date.UTC(2026, 4, 1, 18, 0, 0),
  endAt: Date.UTC(2026, 4, 1, 20, 0, 0),
  cancelUntil: Date.UTC(2026, 4, 1, 17, 0, 0),
  noShowFee: '500',
  status: 'CONFIRMED',
  createdAt: Date.UTC(2026, 3, 30, 9, 0, 0),
};
const CANCELLED = {
  ...BOOKING,
  id: 'bk-1',
  status: 'CANCELLED',
  feeCharged: '500',
  closedAt: Date.UTC(2026, 4, 1, 17, 30, 0),
};
const ANSWERED = {
  sessionId: 's-1',
  driver: 'w:' + 'cd'.repeat(32),
  host: 'x509:host',
  reason: 'charged for 40 kWh, car got 12',
  status: 'OPEN',
  openedAt: Date.UTC(2026, 4, 2, 8, 0, 0),
  answer: 'the meter was calibrated in January',
  answeredAt: Date.UTC(2026, 4, 2, 9, 0, 0),
};

describe('ecar host bookings', () => {
  it('evaluates stationBookings with no arguments by default', async () => {
    const ledger = new RecordingLedger().answer('stationBookings', []);
    const run = await runCli(['host', 'bookings'], { ledger });
    expect(run.code, run.stderr).to.equal(0);
    expect(ledger.calls).to.deep.equal([{ kind: 'evaluate', fn: 'stationBookings', args: {} }]);
    expect(run.stdout).to.equal('no bookings\n');
  });

  it('sends --station, --status and --limit', async () => {
    const ledger = new RecordingLedger().answer('stationBookings', []);
    const run = await runCli(
      ['host', 'bookings', '--station', 'home-42', '--status', 'CANCELLED', '--limit', '20'],
      { ledger },
    );
    expect(run.code, run.stderr).to.equal(0);
    expect(ledger.calls).to.deep.equal([
      {
        kind: 'evaluate',
        fn: 'stationBookings',
        args: { stationId: 'home-42', status: 'CANCELLED', limit: 20 },
      },
    ]);
  });

  it('prints the bookings as an aligned table, money as tokens', async () => {
    const ledger = new RecordingLedger().answer('stationBookings', [BOOKING, CANCELLED]);
    const run = await runCli(['host', 'bookings'], { ledger });
    expect(run.code, run.stderr).to.equal(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).to.have.length(3);
    expect(lines[0]).to.match(/^booking +station +evse +status +from +to +no-show fee +fee charged$/);
    expect(lines[1]).to.match(
      /^bk-2 +home-42 +EVSE-1 +CONFIRMED +2026-05-01T18:00:00\.000Z +2026-05-01T20:00:00\.000Z +5\.00 +-$/,
    );
    expect(lines[2]).to.match(/^bk-1 +home-42 +EVSE-1 +CANCELLED +.* +5\.00 +5\.00$/);
    expect(lines[0]?.indexOf('status')).to.equal(lines[1]?.indexOf('CONFIRMED'));
  });

  it('prints the ledger’s answer unchanged with --json', async () => {
    const ledger = new RecordingLedger().answer('stationBookings', [BOOKING]);
    const run = await runCli(['host', 'bookings', '--json'], { ledger });
    expect(run.code, run.stderr).to.equal(0);
    expect(json(run)).to.deep.equal([BOOKING]);
  });

  it('exits 1 with the FORBIDDEN sentence for a station that is not yours, {ok:false} with --json', async () => {
    const ledger = new RecordingLedger().answer(
      'stationBookings',
      new EcarError('FORBIDDEN', "reading a station's bookings is allowed only for its host or the operator"),
    );
    const human = await runCli(['host', 'bookings', '--station', 'other-1'], { ledger });
    expect(human.code).to.equal(1);
    expect(human.stderr).to.match(
      /^ecar: not allowed: reading a station's bookings is allowed only for its host or the operator$/m,
    );
    const machine = await runCli(['host', 'bookings', '--station', 'other-1', '--json'], { ledger });
    expect(machine.code).to.equal(1);
    expect(json(machine)).to.deep.include({ ok: false, code: 'FORBIDDEN' });
  });
});

describe('ecar dispute answer', () => {
  it('submits answerDispute with the trimmed statement', async () => {
    const ledger = new RecordingLedger().answer('answerDispute', ANSWERED);
    const run = await runCli(
      ['dispute', 'answer', '--session', 's-1', '--statement', '  the meter was calibrated in January '],
      { ledger },
    );
    expect(run.code, run.stderr).to.equal(0);
    expect(ledger.calls).to.deep.equal([
      {
        kind: 'submit',
        fn: 'answerDispute',
        args: { sessionId: 's-1', statement: 'the meter was calibrated in January' },
      },
    ]);
  });

  it('prints the dispute with both sides and where it committed', async () => {
    const ledger = new RecordingLedger().answer('answerDispute', ANSWERED);
    const run = await runCli(['dispute', 'answer', '--session', 's-1', '--statement', 'calibrated'], {
      ledger,
    });
    expect(run.stdout).to.match(/^session: +s-1$/m);
    expect(run.stdout).to.match(/^status: +OPEN$/m);
    expect(run.stdout).to.match(/^reason: +charged for 40 kWh, car got 12$/m);
    expect(run.stdout).to.match(/^host answer: +the meter was calibrated in January$/m);
    expect(run.stdout).to.match(/^answered: +2026-05-02T09:00:00\.000Z$/m);
    expect(run.stdout).to.match(/^resolved: +-$/m);
    expect(run.stdout).to.include('transaction tx-answerDispute committed in block 8');
  });

  it('prints the outcome as JSON with --json', async () => {
    const ledger = new RecordingLedger().answer('answerDispute', ANSWERED);
    const run = await runCli(
      ['dispute', 'answer', '--session', 's-1', '--statement', 'calibrated', '--json'],
      {
        ledger,
      },
    );
    expect(run.code, run.stderr).to.equal(0);
    expect(json(run)).to.deep.equal({
      transactionId: 'tx-answerDispute',
      blockNumber: '8',
      result: ANSWERED,
    });
  });

  it('exits 1 with the ledger’s reason when the dispute was already answered or resolved', async () => {
    const ledger = new RecordingLedger().answer(
      'answerDispute',
      new EcarError(
        'INVALID_STATE',
        "dispute 's-1' is already answered; this needs it to be unanswered (a host answers once)",
      ),
    );
    const run = await runCli(['dispute', 'answer', '--session', 's-1', '--statement', 'again'], { ledger });
    expect(run.code).to.equal(1);
    expect(run.stderr.split('\n').filter((l) => l.startsWith('ecar:'))).to.deep.equal([
      "ecar: dispute 's-1' is already answered; this needs it to be unanswered (a host answers once)",
    ]);
    const machine = await runCli(
      ['dispute', 'answer', '--session', 's-1', '--statement', 'again', '--json'],
      {
        ledger,
      },
    );
    expect(json(machine)).to.deep.include({ ok: false, code: 'INVALID_STATE' });
  });
});

describe('host bookings and dispute answer: bad flags exit 2 and send nothing', () => {
  const BAD: readonly (readonly string[])[] = [
    ['host', 'bookings', '--status', 'RUNNING'],
    ['host', 'bookings', '--status', 'confirmed'],
    ['host', 'bookings', '--limit', '0'],
    ['host', 'bookings', '--limit', '501'],
    ['host', 'bookings', '--limit', 'ten'],
    ['host', 'bookings', '--station', 'bad id!'],
    ['host', 'bookings', '--host', 'x509:other'],
    ['dispute', 'answer', '--session', 's-1'],
    ['dispute', 'answer', '--statement', 'calibrated'],
    ['dispute', 'answer', '--session', 'bad id!', '--statement', 'calibrated'],
    ['dispute', 'answer', '--session', 's-1', '--statement', '   '],
    ['dispute', 'answer', '--session', 's-1', '--statement', 'x'.repeat(1001)],
  ];
  for (const argv of BAD) {
    it(`ecar ${argv.map((a) => (a.length > 40 ? `${a.slice(0, 10)}…(${a.length})` : a)).join(' ')}`, async () => {
      const ledger = new RecordingLedger();
      const run = await runCli(argv, { ledger });
      expect(run.code, run.stdout + run.stderr).to.equal(2);
      expect(ledger.calls).to.have.length(0);
      expect(run.stderr).to.match(/error/);
    });
  }
});
