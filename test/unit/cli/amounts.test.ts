// People type and read tokens with decimals; the ledger gets exact minor units (--json and
// --minor-units are the only places minor units show).
import { expect } from 'chai';
import type { JsonObject } from '../../../chaincode/src/protocol/json';
import { json, RecordingLedger, runCli } from './harness';

const START = ['session', 'start', '--station', 'h', '--evse', 'E', '--connector', '1'];

/** A search answering two stations priced per kWh in minor units (34.90 and 45.00 tokens). */
function pricedStations(): RecordingLedger {
  const station = (id: string): JsonObject => ({
    id,
    name: id,
    location: {},
    status: 'AVAILABLE',
    tariffVersion: 1,
    evses: [],
  });
  const prices: Record<string, string> = { berlin: '3490', munich: '4500' };
  const ledger = new RecordingLedger().answer('searchStations', [station('berlin'), station('munich')]);
  ledger.evaluate = function (fn, args) {
    if (fn === 'getTariff') {
      const id = typeof args?.stationId === 'string' ? args.stationId : '';
      return Promise.resolve({
        stationId: id,
        version: 1,
        tariff: {
          elements: [{ price_components: [{ type: 'ENERGY', price: prices[id] ?? '0', step_size: 1 }] }],
        },
      });
    }
    return RecordingLedger.prototype.evaluate.call(this, fn, args);
  };
  return ledger;
}

describe('amounts in tokens', () => {
  it('station search --max-price-kwh 40 finds a station priced 34.90/kWh (40 tokens, not 0.40)', async () => {
    const run = await runCli(['station', 'search', '--max-price-kwh', '40', '--json'], {
      ledger: pricedStations(),
    });
    expect(run.code, run.stderr).to.equal(0);
    expect((json(run) as { id: string }[]).map((s) => s.id)).to.deep.equal(['berlin']);
    const human = await runCli(['station', 'search', '--max-price-kwh', '40'], { ledger: pricedStations() });
    expect(human.stdout).to.include('ENERGY 34.90/kWh');
  });

  it('sends --hold 30.5 as 3050 minor units', async () => {
    const ledger = new RecordingLedger();
    const run = await runCli([...START, '--hold', '30.5'], { ledger });
    expect(run.code, run.stderr).to.equal(0);
    expect(ledger.calls[0]?.args).to.deep.include({ holdAmount: '3050' });
  });

  it('takes whole minor units only behind --minor-units', async () => {
    const ledger = new RecordingLedger();
    const run = await runCli([...START, '--minor-units', '--hold', '3050'], { ledger });
    expect(run.code, run.stderr).to.equal(0);
    expect(ledger.calls[0]?.args).to.deep.include({ holdAmount: '3050' });
  });

  it('refuses more decimals than the token has, naming the flag, and sends nothing', async () => {
    const ledger = new RecordingLedger();
    const account = `w:${'ab'.repeat(32)}`;
    const run = await runCli(
      ['issuer', 'mint', '--account', account, '--amount', '12.505', '--payment-ref', 'p'],
      { ledger },
    );
    expect(run.code).to.equal(2);
    expect(ledger.calls).to.have.length(0);
    expect(run.stderr).to.include("--amount: '12.505' has 3 decimals but the token has 2");
  });

  it('says in --help that amounts are tokens', async () => {
    const run = await runCli(['tariff', 'set', '--help']);
    expect(run.stdout).to.match(/--energy <tokens> +price per kWh in tokens, e\.g\. 0\.35/);
    expect(run.stdout).to.include('--minor-units');
  });
});
