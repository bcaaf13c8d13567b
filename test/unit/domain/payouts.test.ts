// Payouts as the issuer needs them: a sealed payout destination (IBAN with its checksum, or a
// payment reference) that only the issuer reads, the list of pending payouts, and earnings that
// are claimed as part of the payout.
import { expect } from 'chai';
import { parseIban } from '../../../chaincode/src/domain/payout-destinations';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import {
  AUDITOR,
  DRIVER,
  expectError,
  field,
  HOST,
  ISSUER,
  MINUTE,
  OPERATOR,
  readyLedger,
  settledLedger,
} from '../../support/builders';
import type { TestLedger } from '../../support/ledger';

const DAY = 24 * 60 * MINUTE;
/** The ECBS example IBAN: valid check digits. */
const IBAN = 'DE89370400440532013000';

/** A host with 2250 earned in one settled session, locked for the 3-day dispute window. */
function withEarnings(): Promise<TestLedger> {
  return settledLedger();
}

describe('parseIban', () => {
  it('accepts valid IBANs with spaces and in lower case, in electronic form', () => {
    expect(parseIban('de89 3704 0044 0532 0130 00')).to.equal(IBAN);
    expect(parseIban('GB82 WEST 1234 5698 7654 32')).to.equal('GB82WEST12345698765432');
    expect(parseIban('NL91ABNA0417164300')).to.equal('NL91ABNA0417164300');
  });
  it('throws INVALID_ARGUMENT for a wrong check digit, a wrong length for the country, or garbage', () => {
    for (const bad of [
      'DE88370400440532013000',
      'DE8937040044053201300',
      'NL91ABNA04171643001',
      'not an iban at all',
    ]) {
      expect(() => parseIban(bad), bad)
        .to.throw(EcarError)
        .with.property('code', 'INVALID_ARGUMENT');
    }
  });
});

describe('payout destinations', () => {
  it('stores the destination and shows the host only a masked form', async () => {
    const ledger = await readyLedger();
    const set = await ledger.submit(HOST, 'setPayoutDestination', { iban: 'DE89 3704 0044 0532 0130 00' });
    expect(set).to.deep.include({ kind: 'IBAN', masked: `${'*'.repeat(18)}3000` });
    expect(JSON.stringify(await ledger.evaluate(HOST, 'getPayoutDestination'))).not.to.include('0532');
    expect(await ledger.evaluate(DRIVER, 'getPayoutDestination')).to.equal(null);
    expect(JSON.stringify(ledger.events)).not.to.include('0532');
  });
  it('throws INVALID_ARGUMENT for a bad IBAN, both or neither kind, and stores nothing', async () => {
    const ledger = await readyLedger();
    for (const args of [
      { iban: 'DE88370400440532013000' },
      { iban: IBAN, reference: 'psp-ref' },
      {},
      { reference: 'a b' },
    ]) {
      await expectError(ledger, () => ledger.submit(HOST, 'setPayoutDestination', args), 'INVALID_ARGUMENT');
    }
    expect(await ledger.evaluate(HOST, 'getPayoutDestination')).to.equal(null);
  });
});

describe('requestPayout', () => {
  it('throws PAYOUT_DESTINATION_MISSING before a destination is set', async () => {
    const ledger = await withEarnings();
    ledger.advance(3 * DAY);
    await expectError(
      ledger,
      () => ledger.submit(HOST, 'requestPayout', { payoutId: 'po-1', amount: '100' }),
      'PAYOUT_DESTINATION_MISSING',
    );
  });
  it('claims the earnings whose dispute window closed as part of the payout', async () => {
    const ledger = await withEarnings();
    await ledger.submit(HOST, 'setPayoutDestination', { iban: IBAN });
    ledger.advance(3 * DAY);
    const payout = await ledger.submit(HOST, 'requestPayout', { payoutId: 'po-1', amount: '2000' });
    expect(payout).to.deep.include({ status: 'PENDING', amount: '2000', claimedNow: '2250' });
    const balance = await ledger.evaluate(HOST, 'getBalance');
    expect(field(balance, 'earned')).to.deep.equal({ payable: '250', locked: '0', frozen: '0' });
    expect(field(balance, 'held', 'payouts')).to.equal('2000');
    expect(field(await ledger.evaluate(AUDITOR, 'auditTotals'), 'balanced')).to.equal(true);
  });
  it('still refuses earnings inside the dispute window (INSUFFICIENT_FUNDS)', async () => {
    const ledger = await withEarnings();
    await ledger.submit(HOST, 'setPayoutDestination', { iban: IBAN });
    await expectError(
      ledger,
      () => ledger.submit(HOST, 'requestPayout', { payoutId: 'po-1', amount: '1' }),
      'INSUFFICIENT_FUNDS',
      { bucket: 'earned' },
    );
  });
});

describe('pendingPayouts', () => {
  it('lists the pending payouts with their destination for the issuer only; closed ones leave the list', async () => {
    const ledger = await withEarnings();
    await ledger.submit(HOST, 'setPayoutDestination', { iban: IBAN });
    ledger.advance(3 * DAY);
    await ledger.submit(HOST, 'requestPayout', { payoutId: 'po-1', amount: '1000' });
    ledger.advance(MINUTE);
    await ledger.submit(HOST, 'requestPayout', { payoutId: 'po-0', amount: '500' });
    const pending = (await ledger.evaluate(ISSUER, 'pendingPayouts')) as {
      payoutId: string;
      destination: { kind: string; value: string };
    }[];
    expect(pending.map((p) => p.payoutId)).to.deep.equal(['po-1', 'po-0']);
    expect(pending[0]?.destination).to.deep.include({ kind: 'IBAN', value: IBAN });
    for (const who of [HOST, OPERATOR, AUDITOR]) {
      await expectError(ledger, () => ledger.evaluate(who, 'pendingPayouts'), 'FORBIDDEN');
    }
    await ledger.submit(ISSUER, 'confirmPayout', { account: HOST, payoutId: 'po-1' });
    await ledger.submit(ISSUER, 'failPayout', { account: HOST, payoutId: 'po-0', reason: 'IBAN closed' });
    expect(await ledger.evaluate(ISSUER, 'pendingPayouts')).to.deep.equal([]);
  });
});
