// The role commands against the real domain (the registry run on a memory store, as a peer would):
// every argument the CLI builds is one the chaincode accepts, through a whole charging economy.
import { expect } from 'chai';
import type { JsonValue } from '../../../chaincode/src/protocol/json';
import {
  encodeArgs,
  type LedgerArgs,
  type LedgerClient,
  type LedgerSubmitResult,
} from '../../../client/src/fabric/ledger-client';
import { AUDITOR, DRIVER, HOST, ISSUER, OPERATOR } from '../../support/builders';
import { HOUR, MINUTE } from '../../support/builders';
import { TestLedger } from '../../support/ledger';
import { json, runCli, tempHome, type CliRun } from './harness';

/** A LedgerClient that runs each call through the domain registry as `caller`. */
class DomainLedger implements LedgerClient {
  static block = 0n;
  constructor(
    readonly ledger: TestLedger,
    readonly caller: string,
  ) {}

  async submit(fn: string, args: LedgerArgs = {}): Promise<LedgerSubmitResult> {
    const result = await this.ledger.submit(this.caller, fn, JSON.parse(encodeArgs(args)) as JsonValue);
    DomainLedger.block += 1n;
    return {
      result,
      transactionId: `tx-${String(DomainLedger.block)}`,
      blockNumber: DomainLedger.block,
      attempts: 1,
    };
  }

  evaluate(fn: string, args: LedgerArgs = {}): Promise<JsonValue> {
    return this.ledger.evaluate(this.caller, fn, JSON.parse(encodeArgs(args)) as JsonValue);
  }

  whoami(): Promise<string> {
    return Promise.resolve(this.caller);
  }
}

describe('ecar role commands on the domain', () => {
  it('runs a charging economy end to end: init, mint, station, tariff, booking, session, claim, payout, audit', async () => {
    const ledger = new TestLedger();
    const home = tempHome();
    const as = async (caller: string, ...argv: string[]): Promise<CliRun> => {
      const run = await runCli(argv, { ledger: new DomainLedger(ledger, caller), home });
      expect(run.code, `${argv.join(' ')}: ${run.stdout}${run.stderr}`).to.equal(0);
      return run;
    };

    await as(
      OPERATOR,
      'operator',
      'init',
      '--issuer',
      ISSUER,
      '--auditor',
      AUDITOR,
      '--hold-default',
      '30.00',
      '--hold-min',
      '10',
      '--hold-max',
      '1000',
      '--dispute-window',
      '3600',
    );
    await as(ISSUER, 'issuer', 'mint', '--account', DRIVER, '--amount', '100.00', '--payment-ref', 'psp-1');
    const replay = await as(
      ISSUER,
      'issuer',
      'mint',
      '--account',
      DRIVER,
      '--amount',
      '100.00',
      '--payment-ref',
      'psp-1',
    );
    expect(replay.stdout).to.include('already minted earlier');

    await as(
      HOST,
      'station',
      'register',
      '--id',
      'home-42',
      '--name',
      'Garage',
      '--country',
      'DE',
      '--city',
      'Berlin',
      '--postal-code',
      '10115',
      '--lat',
      '52.53',
      '--lon',
      '13.38',
      '--street',
      'Invalidenstr.',
      '--house-number',
      '117',
      '--hours',
      'mon-sun 06:00-23:00',
      '--noshow-fee',
      '5.00',
    );
    await as(HOST, 'tariff', 'set', '--station', 'home-42', '--time', '6', '--flat', '1');
    await as(HOST, 'station', 'update', '--station', 'home-42', '--name', 'Garage wallbox');

    const found = json(await as(DRIVER, 'station', 'search', '--country', 'DE', '--prices', '--json')) as {
      id: string;
    }[];
    expect(found.map((s) => s.id)).to.deep.equal(['home-42']);
    await as(
      DRIVER,
      'booking',
      'create',
      '--station',
      'home-42',
      '--evse',
      'EVSE-1',
      '--from',
      '2026-03-02T09:00:00Z',
      '--to',
      '2026-03-02T10:00:00Z',
      '--booking-id',
      'bk-1',
    );
    const address = await as(DRIVER, 'station', 'address', '--station', 'home-42');
    expect(address.stdout).to.include('Invalidenstr. 117, 10115 Berlin, DE');

    ledger.advance(HOUR);
    const authorized = await as(
      DRIVER,
      'session',
      'authorize',
      '--station',
      'home-42',
      '--evse',
      'EVSE-1',
      '--connector',
      '1',
    );
    expect(authorized.stdout.trim()).to.equal('Accepted');
    await as(
      DRIVER,
      'session',
      'start',
      '--station',
      'home-42',
      '--evse',
      'EVSE-1',
      '--connector',
      '1',
      '--session-id',
      's-1',
    );
    ledger.advance(30 * MINUTE);
    const stopped = json(
      await as(DRIVER, 'session', 'stop', '--session', 's-1', '--unmetered', '--json'),
    ) as {
      result: { cdr: { totalCost: string; captured: string } };
    };
    expect(stopped.result.cdr.totalCost).to.equal('400');
    const cdrs = await as(DRIVER, 'cdr', 'list');
    expect(cdrs.stdout).to.match(/s-1 +home-42 .* 4\.00 +4\.00 +3\.60/);
    await as(DRIVER, 'rate', '--session', 's-1', '--score', '5');
    await as(HOST, 'rate', '--session', 's-1', '--score', '4');
    expect((await as(HOST, 'host', 'sessions')).stdout).to.match(/s-1 +HOST +home-42/);

    ledger.advance(2 * HOUR);
    const claimed = json(await as(HOST, 'host', 'claim', '--json')) as { result: { claimed: string } };
    expect(claimed.result.claimed).to.equal('360');
    await as(HOST, 'host', 'payout-destination', 'set', '--iban', 'DE89 3704 0044 0532 0130 00');
    expect((await as(HOST, 'host', 'payout-destination', 'show')).stdout).to.match(/IBAN \*{18}3000/);
    await as(HOST, 'host', 'payout', '--amount', '3.00', '--payout-id', 'po-1');
    const pending = (await as(ISSUER, 'issuer', 'payout', 'list')).stdout;
    expect(pending).to.match(/po-1 .* IBAN DE89370400440532013000/);
    await as(ISSUER, 'issuer', 'payout', 'confirm', '--account', HOST, '--payout-id', 'po-1');
    const earnings = json(await as(HOST, 'host', 'earnings', '--json')) as { earned: { payable: string } };
    expect(earnings.earned.payable).to.equal('60');

    const totals = json(await as(AUDITOR, 'audit', 'totals', '--json')) as {
      minted: string;
      burned: string;
      balanced: boolean;
    };
    expect(totals).to.include({ minted: '10000', burned: '300', balanced: true });
    const driver = json(await as(AUDITOR, 'audit', 'account', '--account', DRIVER, '--json')) as {
      purchased: string;
    };
    expect(driver.purchased).to.equal('9600');
  });

  it('refuses with the sentence of the chaincode code and exit 1', async () => {
    const ledger = new TestLedger();
    const home = tempHome();
    const run = await runCli(['issuer', 'mint', '--account', DRIVER, '--amount', '1', '--payment-ref', 'p'], {
      ledger: new DomainLedger(ledger, DRIVER),
      home,
    });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include(
      "ecar: the ledger is not initialised yet: the operator must run 'ecar operator init'",
    );
  });
});
