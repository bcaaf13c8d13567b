// session authorize answers like every command (exit 1 and the JSON envelope when it would not
// start); session stop says what meter data is missing before any ledger work (exit 2).
import { expect } from 'chai';
import { json, RecordingLedger, runCli } from './harness';

const AUTHORIZE = ['session', 'authorize', '--station', 'home-42', '--evse', 'EVSE-9', '--connector', '1'];
const NOT_HERE = {
  status: 'NotAtThisLocation',
  code: 'NOT_FOUND',
  reason: "EVSE 'home-42/EVSE-9' not found",
};

describe('ecar session authorize', () => {
  it('exits 1 with one line naming the status and the sentence of the code', async () => {
    const run = await runCli(AUTHORIZE, { ledger: new RecordingLedger().answer('canAuthorize', NOT_HERE) });
    expect(run.code).to.equal(1);
    expect(run.stdout).to.equal('');
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('ecar:'));
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(
      /^ecar: not authorized \(NotAtThisLocation\): EVSE 'home-42\/EVSE-9' not found/,
    );
  });

  it('prints the failure envelope {ok:false, code, error, result} with --json', async () => {
    const run = await runCli([...AUTHORIZE, '--json'], {
      ledger: new RecordingLedger().answer('canAuthorize', NOT_HERE),
    });
    expect(run.code).to.equal(1);
    const answer = json(run) as Record<string, unknown>;
    expect(answer).to.have.keys('ok', 'code', 'error', 'result');
    expect(answer).to.deep.include({ ok: false, code: 'NOT_FOUND', result: NOT_HERE });
  });

  it('exits 0 when the session would start', async () => {
    const run = await runCli(AUTHORIZE, {
      ledger: new RecordingLedger().answer('canAuthorize', { status: 'Accepted' }),
    });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/^Accepted/);
  });
});

describe('ecar session stop', () => {
  it('names the missing meter data before any ledger call, exit 2', async () => {
    const ledger = new RecordingLedger();
    const run = await runCli(['session', 'stop', '--session', 's-1'], { ledger });
    expect(run.code).to.equal(2);
    expect(ledger.calls).to.have.length(0);
    expect(run.stderr).to.include('--xml FILE');
    expect(run.stderr).to.include('--unmetered');
  });
});
