// Queries (search, my stations/sessions/CDRs, auditor totals), the transaction registry and events.
import { expect } from 'chai';
import { canonicalJson } from '../../../chaincode/src/protocol/json';
import { TRANSACTIONS } from '../../../chaincode/src/domain/transactions';
import type { JsonValue } from '../../../chaincode/src/protocol/json';
import {
  AUDITOR,
  DRIVER,
  DRIVER2,
  expectError,
  field,
  HOST,
  HOST2,
  ISSUER,
  meterArgs,
  meterRecords,
  MINUTE,
  OPERATOR,
  readyLedger,
  startArgs,
  stationArgs,
} from '../../support/builders';

describe('queries', () => {
  it('searchStations filters on public fields and never shows addresses', async () => {
    const ledger = await readyLedger();
    await ledger.submit(
      HOST2,
      'registerStation',
      stationArgs({
        stationId: 'st-2',
        meter: meterArgs({ publicKey: 'c3'.repeat(32) }),
        location: { country: 'AT', city: 'Wien', latitude: '48.2', longitude: '16.37' },
      }),
    );
    const found = (await ledger.evaluate(DRIVER, 'searchStations', { country: 'DE' })) as JsonValue[];
    expect(found.map((_s, i) => field(found as JsonValue, String(i), 'id'))).to.deep.equal(['st-1']);
    expect(JSON.stringify(found)).not.to.contain('Invalidenstrasse');
    expect(await ledger.evaluate(DRIVER, 'searchStations', { country: 'AT' })).to.deep.equal([]); // no tariff yet
    expect(
      (
        (await ledger.evaluate(DRIVER, 'searchStations', {
          country: 'AT',
          availableOnly: false,
        })) as unknown[]
      ).length,
    ).to.equal(1);
    expect(await ledger.evaluate(DRIVER, 'searchStations', { minPowerW: 22000 })).to.deep.equal([]);
    await expectError(
      ledger,
      () => ledger.evaluate(DRIVER, 'searchStations', { limit: 1000 }),
      'INVALID_ARGUMENT',
      { field: 'limit' },
    );
  });
  it('myStations, mySessions and myCdrs show only the caller’s own records', async () => {
    const ledger = await readyLedger();
    await ledger.submit(DRIVER, 'startSession', startArgs());
    const raw = meterRecords({ beginMs: ledger.nowMs + MINUTE, endMs: ledger.nowMs + 61 * MINUTE });
    ledger.advance(62 * MINUTE);
    await ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1', ocmf: raw });
    expect(((await ledger.evaluate(HOST, 'myStations')) as unknown[]).length).to.equal(1);
    expect(await ledger.evaluate(DRIVER, 'myStations')).to.deep.equal([]);
    expect(field(await ledger.evaluate(HOST, 'mySessions'), '0', 'role')).to.equal('HOST');
    expect(field(await ledger.evaluate(DRIVER, 'mySessions', { status: 'COMPLETED' }), '0', 'role')).to.equal(
      'DRIVER',
    );
    expect(await ledger.evaluate(DRIVER2, 'mySessions')).to.deep.equal([]);
    expect(((await ledger.evaluate(DRIVER, 'myCdrs')) as unknown[]).length).to.equal(1);
    expect(await ledger.evaluate(DRIVER2, 'myCdrs')).to.deep.equal([]);
    await expectError(
      ledger,
      () => ledger.evaluate(DRIVER, 'mySessions', { status: 'DONE' }),
      'INVALID_ARGUMENT',
      { field: 'status' },
    );
  });
  it('auditTotals balances and is for the auditor and operator only', async () => {
    const ledger = await readyLedger();
    const totals = await ledger.evaluate(AUDITOR, 'auditTotals');
    expect(totals).to.deep.include({ minted: '200000', burned: '0', buckets: '200000', balanced: true });
    expect(field(await ledger.evaluate(OPERATOR, 'auditTotals'), 'balanced')).to.equal(true);
    await expectError(ledger, () => ledger.evaluate(ISSUER, 'auditTotals'), 'FORBIDDEN');
  });
});

describe('transaction registry', () => {
  it('throws UNKNOWN_FUNCTION for an unknown name, including prototype names', async () => {
    const ledger = await readyLedger();
    await expectError(ledger, () => ledger.submit(DRIVER, 'mintForMe', {}), 'UNKNOWN_FUNCTION');
    await expectError(ledger, () => ledger.submit(DRIVER, 'constructor', {}), 'UNKNOWN_FUNCTION');
    await expectError(ledger, () => ledger.submit(DRIVER, '__proto__', {}), 'UNKNOWN_FUNCTION');
  });
  it('refuses a write transaction called as evaluate', async () => {
    const ledger = await readyLedger();
    await expectError(
      ledger,
      () => ledger.evaluate(ISSUER, 'mint', { account: DRIVER, amount: '1', paymentRef: 'x' }),
      'INVALID_ARGUMENT',
    );
  });
  it('declares a kind and callers for every transaction', () => {
    for (const [name, definition] of Object.entries(TRANSACTIONS)) {
      expect(['submit', 'evaluate'], name).to.include(definition.kind);
      expect(definition.callers.length, name).to.be.greaterThan(0);
    }
  });
  it('returns JSON-safe results (bigint as decimal strings) and accepts JSON text arguments', async () => {
    const ledger = await readyLedger();
    await ledger.submit(OPERATOR, 'setParams', { mintMaximum: '100000000000' });
    const result = await ledger.submit(
      ISSUER,
      'mint',
      JSON.stringify({ account: DRIVER, amount: '12345678901', paymentRef: 'big' }),
    );
    expect(field(result, 'amount')).to.equal('12345678901');
    expect(() => canonicalJson(result)).not.to.throw();
    await expectError(ledger, () => ledger.submit(ISSUER, 'mint', '{not json'), 'INVALID_ARGUMENT', {
      field: 'args',
    });
  });
  it('refuses a caller id that cannot be an account id', async () => {
    const ledger = await readyLedger();
    await expectError(ledger, () => ledger.submit('x509::/CN=a/O=b', 'claimEarnings'), 'FORBIDDEN');
  });
});

describe('events', () => {
  it('carry ids and hashes only: never amounts, balances or identities', async () => {
    const ledger = await readyLedger();
    await ledger.submit(DRIVER, 'startSession', startArgs());
    const raw = meterRecords({ beginMs: ledger.nowMs + MINUTE, endMs: ledger.nowMs + 61 * MINUTE });
    ledger.advance(62 * MINUTE);
    await ledger.submit(DRIVER, 'stopSession', { sessionId: 'sess-1', ocmf: raw });
    await ledger.submit(DRIVER, 'openDispute', { sessionId: 'sess-1', reason: 'x' });
    await ledger.submit(OPERATOR, 'resolveDispute', { sessionId: 'sess-1', refund: '5' });
    const allowed = new Set([
      'sessionId',
      'stationId',
      'cdrId',
      'creditCdrId',
      'meterPayloadHash',
      'paymentRef',
      'txId',
      'version',
      'bookingId',
      'payoutId',
    ]);
    const people = [DRIVER, DRIVER2, HOST, ISSUER, OPERATOR, AUDITOR];
    expect(ledger.events.length).to.be.greaterThan(5);
    for (const event of ledger.events) {
      for (const [key, value] of Object.entries(event.payload)) {
        expect([...allowed], `${event.name}.${key}`).to.include(key);
        expect(
          people.some((p) => value.includes(p)),
          `${event.name}.${key}`,
        ).to.equal(false);
      }
    }
  });
});
