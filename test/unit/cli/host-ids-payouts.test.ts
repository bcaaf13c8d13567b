// Host and issuer commands added for new users: generated station ids, the payout destination
// and the issuer's pending payouts, against a recording LedgerClient.
import { expect } from 'chai';
import { RecordingLedger, runCli } from './harness';

const REGISTER = [
  'station',
  'register',
  ...['--name', 'Garage', '--country', 'DE', '--city', 'Berlin', '--postal-code', '10115'],
  ...['--lat', '52.53123', '--lon', '13.38', '--street', 'Invalidenstr.', '--house-number', '117'],
];

describe('ecar station register', () => {
  it('generates a random station id when --id is absent, a new one each time', async () => {
    const ledger = new RecordingLedger();
    await runCli(REGISTER, { ledger });
    await runCli(REGISTER, { ledger });
    const ids = ledger.calls.map((c) => (c.args as { stationId: string }).stationId);
    for (const id of ids) expect(id).to.match(/^st-[0-9a-f]{24}$/);
    expect(ids[0]).not.to.equal(ids[1]);
    expect((ledger.calls[0]?.args as { name: string }).name).to.equal('Garage');
  });
  it('keeps an id the host chose', async () => {
    const ledger = new RecordingLedger();
    await runCli([...REGISTER, '--id', 'home-42'], { ledger });
    expect(ledger.calls[0]?.args).to.deep.include({ stationId: 'home-42' });
  });
});

describe('ecar host payout-destination', () => {
  it('set sends the IBAN as typed (the chaincode checks and normalises it) and prints it masked', async () => {
    const ledger = new RecordingLedger().answer('setPayoutDestination', {
      kind: 'IBAN',
      masked: '******************3000',
      updatedAt: 1,
    });
    const run = await runCli(['host', 'payout-destination', 'set', '--iban', 'DE89 3704 0044 0532 0130 00'], {
      ledger,
    });
    expect(run.code, run.stderr).to.equal(0);
    expect(ledger.calls).to.deep.equal([
      { kind: 'submit', fn: 'setPayoutDestination', args: { iban: 'DE89 3704 0044 0532 0130 00' } },
    ]);
    expect(run.stdout).to.match(/payout destination: +IBAN \*+3000/);
  });
  it('exits 2 with neither or both of --iban and --reference, and sends nothing', async () => {
    for (const extra of [[], ['--iban', 'DE89370400440532013000', '--reference', 'psp-1']]) {
      const ledger = new RecordingLedger();
      const run = await runCli(['host', 'payout-destination', 'set', ...extra], { ledger });
      expect(run.code).to.equal(2);
      expect(ledger.calls).to.deep.equal([]);
    }
  });
  it('show says how to set one when none is set', async () => {
    const ledger = new RecordingLedger().answer('getPayoutDestination', null);
    const run = await runCli(['host', 'payout-destination', 'show'], { ledger });
    expect(run.stdout).to.include('ecar host payout-destination set');
  });
});

describe('ecar issuer payout list', () => {
  it('evaluates pendingPayouts and prints where to pay each', async () => {
    const ledger = new RecordingLedger().answer('pendingPayouts', [
      {
        account: 'w:' + 'cd'.repeat(32),
        payoutId: 'po-1',
        amount: '2000',
        status: 'PENDING',
        requestedAt: Date.parse('2026-05-01T10:00:00Z'),
        destination: { kind: 'IBAN', value: 'DE89370400440532013000', updatedAt: 1 },
      },
    ]);
    const run = await runCli(['issuer', 'payout', 'list', '--limit', '10'], { ledger });
    expect(run.code, run.stderr).to.equal(0);
    expect(ledger.calls).to.deep.equal([{ kind: 'evaluate', fn: 'pendingPayouts', args: { limit: 10 } }]);
    expect(run.stdout).to.match(/po-1 .*IBAN DE89370400440532013000/);
  });
});
