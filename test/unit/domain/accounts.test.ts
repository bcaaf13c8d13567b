// Accounts and tokens: mint, transfer, earnings, payouts, balances; and roles and parameters.
import { expect } from 'chai';
import {
  AUDITOR,
  DRIVER,
  DRIVER2,
  expectError,
  field,
  HOST,
  ISSUER,
  OPERATOR,
  paramsArgs,
  readyLedger,
  testAccount,
  settledLedger,
} from '../../support/builders';
import { TestLedger } from '../../support/ledger';

/** The ECBS example IBAN (valid check digits). */
const IBAN = 'DE89370400440532013000';

const NEW_DRIVER = testAccount('driver-new');

const DAY = 24 * 3600_000;

/** A ledger where the host has 2250 locked from one settled session. */
function withEarnings(): Promise<TestLedger> {
  return settledLedger();
}

describe('params', () => {
  describe('initialize', () => {
    it('makes the caller the operator and stores the parameters', async () => {
      const ledger = new TestLedger();
      const params = await ledger.submit(OPERATOR, 'initialize', paramsArgs());
      expect(params).to.deep.include({
        operator: OPERATOR,
        issuer: ISSUER,
        feeBps: 1000,
        holdDefault: '20000',
        version: 1,
        transfersEnabled: false,
      });
    });
    it('throws ALREADY_EXISTS the second time, whoever calls', async () => {
      const ledger = new TestLedger();
      await ledger.submit(OPERATOR, 'initialize', paramsArgs());
      await expectError(ledger, () => ledger.submit('someone', 'initialize', paramsArgs()), 'ALREADY_EXISTS');
    });
    it('throws INVALID_ARGUMENT for bad values', async () => {
      const ledger = new TestLedger();
      await expectError(
        ledger,
        () => ledger.submit(OPERATOR, 'initialize', paramsArgs({ feeBps: 10001 })),
        'INVALID_ARGUMENT',
        { field: 'feeBps' },
      );
      await expectError(
        ledger,
        () => ledger.submit(OPERATOR, 'initialize', paramsArgs({ holdDefault: '1.5' })),
        'INVALID_ARGUMENT',
        { field: 'holdDefault' },
      );
      await expectError(
        ledger,
        () => ledger.submit(OPERATOR, 'initialize', paramsArgs({ holdMinimum: '30000' })),
        'INVALID_ARGUMENT',
        { field: 'holdDefault' },
      );
      await expectError(
        ledger,
        () => ledger.submit(OPERATOR, 'initialize', paramsArgs({ issuer: 'a/b' })),
        'INVALID_ARGUMENT',
        { field: 'issuer' },
      );
      await expectError(
        ledger,
        () => ledger.submit(OPERATOR, 'initialize', { ...paramsArgs(), signatureMethods: ['RSA'] }),
        'INVALID_ARGUMENT',
        { field: 'signatureMethods[0]' },
      );
      await expectError(
        ledger,
        () => ledger.submit(OPERATOR, 'initialize', { holdDefault: '1' }),
        'INVALID_ARGUMENT',
        { field: 'issuer' },
      );
    });
    it('throws NOT_INITIALIZED for any other transaction before it', async () => {
      const ledger = new TestLedger();
      await expectError(
        ledger,
        () => ledger.submit(ISSUER, 'mint', { account: DRIVER, amount: '1', paymentRef: 'p' }),
        'NOT_INITIALIZED',
      );
    });
  });

  describe('setParams', () => {
    it('lets the operator change parameters and hand over the operator role', async () => {
      const ledger = await readyLedger();
      expect(
        field(await ledger.submit(OPERATOR, 'setParams', { feeBps: 500, transfersEnabled: true }), 'version'),
      ).to.equal(2);
      const next = testAccount('op-new');
      await ledger.submit(OPERATOR, 'setParams', { operator: next });
      await expectError(ledger, () => ledger.submit(OPERATOR, 'setParams', { feeBps: 1 }), 'FORBIDDEN');
      expect(field(await ledger.submit(next, 'setParams', { feeBps: 1 }), 'feeBps')).to.equal(1);
    });
    it('throws INVALID_ARGUMENT for a role holder that is not an account id (no caller could hold it)', async () => {
      const ledger = await readyLedger();
      for (const [role, value] of [
        ['operator', 'op-new'],
        ['issuer', `${ISSUER}0`],
        ['auditors', ['W:ABC']],
        ['backends', ['x509:short']],
      ] as const) {
        await expectError(
          ledger,
          () => ledger.submit(OPERATOR, 'setParams', { [role]: value }),
          'INVALID_ARGUMENT',
        );
      }
    });
    it('throws FORBIDDEN for anyone but the operator', async () => {
      const ledger = await readyLedger();
      await expectError(ledger, () => ledger.submit(ISSUER, 'setParams', { feeBps: 0 }), 'FORBIDDEN', {
        action: 'setParams',
      });
    });
    it('throws INVALID_ARGUMENT for no change and for unknown parameters', async () => {
      const ledger = await readyLedger();
      await expectError(ledger, () => ledger.submit(OPERATOR, 'setParams', {}), 'INVALID_ARGUMENT');
      await expectError(ledger, () => ledger.submit(OPERATOR, 'setParams', { fee: 1 }), 'INVALID_ARGUMENT', {
        field: 'args.fee',
      });
    });
  });
});

describe('accounts', () => {
  describe('mint', () => {
    it('credits purchased tokens and a supply delta for the top-up', async () => {
      const ledger = await readyLedger();
      const result = await ledger.submit(ISSUER, 'mint', {
        account: NEW_DRIVER,
        amount: '5000',
        paymentRef: 'psp-77',
      });
      expect(result).to.deep.include({ account: NEW_DRIVER, amount: '5000', replayed: false });
      expect(field(await ledger.evaluate(NEW_DRIVER, 'getBalance'), 'purchased')).to.equal('5000');
      expect(ledger.store.entries('supply/').length).to.equal(3);
    });
    it('is idempotent per payment reference', async () => {
      const ledger = await readyLedger();
      const again = await ledger.submit(ISSUER, 'mint', {
        account: DRIVER,
        amount: '100000',
        paymentRef: 'pay-driver-1',
      });
      expect(field(again, 'replayed')).to.equal(true);
      expect(field(await ledger.evaluate(DRIVER, 'getBalance'), 'purchased')).to.equal('100000');
    });
    it('throws CONFLICT when a payment reference is reused for another amount or account', async () => {
      const ledger = await readyLedger();
      await expectError(
        ledger,
        () => ledger.submit(ISSUER, 'mint', { account: DRIVER, amount: '1', paymentRef: 'pay-driver-1' }),
        'CONFLICT',
      );
      await expectError(
        ledger,
        () =>
          ledger.submit(ISSUER, 'mint', { account: DRIVER2, amount: '100000', paymentRef: 'pay-driver-1' }),
        'CONFLICT',
      );
    });
    it('throws INVALID_ARGUMENT and credits nothing for an account id no caller can have', async () => {
      const ledger = await readyLedger();
      const truncated = DRIVER.slice(0, -1);
      for (const account of ['undefined', truncated, DRIVER.toUpperCase(), `${DRIVER}0`, 'x509:short']) {
        await expectError(
          ledger,
          () => ledger.submit(ISSUER, 'mint', { account, amount: '5000', paymentRef: 'psp-test-0001' }),
          'INVALID_ARGUMENT',
          { field: 'account' },
        );
      }
      expect(ledger.store.entries('mint/psp-test-0001')).to.deep.equal([]);
      const x509 = `x509:${'A'.repeat(42)}_`;
      await ledger.submit(ISSUER, 'mint', { account: x509, amount: '5000', paymentRef: 'psp-x509' });
      expect(field(await ledger.evaluate(x509, 'getBalance'), 'purchased')).to.equal('5000');
    });
    it('throws INVALID_ARGUMENT above mintMaximum, naming the limit, until the operator raises it', async () => {
      const ledger = await readyLedger();
      const before = field(await ledger.evaluate(DRIVER2, 'getBalance'), 'purchased') as string;
      const absurd = '1'.repeat(29);
      await expectError(
        ledger,
        () => ledger.submit(ISSUER, 'mint', { account: DRIVER, amount: absurd, paymentRef: 'psp-big' }),
        'INVALID_ARGUMENT',
        { field: 'amount', maximum: '1000000' },
      );
      await ledger.submit(ISSUER, 'mint', { account: DRIVER2, amount: '1000000', paymentRef: 'psp-max' });
      await expectError(
        ledger,
        () => ledger.submit(ISSUER, 'mint', { account: DRIVER2, amount: '1000001', paymentRef: 'psp-over' }),
        'INVALID_ARGUMENT',
        { field: 'amount' },
      );
      await ledger.submit(OPERATOR, 'setParams', { mintMaximum: '2000000' });
      await ledger.submit(ISSUER, 'mint', { account: DRIVER2, amount: '1000001', paymentRef: 'psp-over' });
      expect(field(await ledger.evaluate(DRIVER2, 'getBalance'), 'purchased')).to.equal(
        (BigInt(before) + 2000001n).toString(),
      );
    });
    it('throws FORBIDDEN for anyone but the issuer', async () => {
      const ledger = await readyLedger();
      await expectError(
        ledger,
        () => ledger.submit(OPERATOR, 'mint', { account: DRIVER, amount: '1', paymentRef: 'x' }),
        'FORBIDDEN',
        { action: 'mint' },
      );
    });
    it('throws INVALID_ARGUMENT for zero, negative, float and number amounts and bad references', async () => {
      const ledger = await readyLedger();
      for (const amount of ['0', '-5', '1.5', 5, '01']) {
        await expectError(
          ledger,
          () => ledger.submit(ISSUER, 'mint', { account: DRIVER, amount, paymentRef: 'x' }),
          'INVALID_ARGUMENT',
          { field: 'amount' },
        );
      }
      await expectError(
        ledger,
        () => ledger.submit(ISSUER, 'mint', { account: DRIVER, amount: '1', paymentRef: 'a b' }),
        'INVALID_ARGUMENT',
        { field: 'paymentRef' },
      );
      await expectError(
        ledger,
        () => ledger.submit(ISSUER, 'mint', { amount: '1', paymentRef: 'x' }),
        'INVALID_ARGUMENT',
        { field: 'account' },
      );
    });
  });

  describe('transfer', () => {
    it('throws FEATURE_DISABLED while transfers are off', async () => {
      const ledger = await readyLedger();
      await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'transfer', { to: DRIVER2, amount: '10' }),
        'FEATURE_DISABLED',
      );
    });
    it('moves purchased tokens when enabled', async () => {
      const ledger = await readyLedger({ params: { transfersEnabled: true } });
      await ledger.submit(DRIVER, 'transfer', { to: DRIVER2, amount: '10' });
      expect(field(await ledger.evaluate(DRIVER2, 'getBalance'), 'purchased')).to.equal('100010');
      expect(field(await ledger.evaluate(DRIVER, 'getBalance'), 'purchased')).to.equal('99990');
    });
    it('throws INSUFFICIENT_FUNDS beyond purchased and INVALID_ARGUMENT to oneself', async () => {
      const ledger = await readyLedger({ params: { transfersEnabled: true } });
      await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'transfer', { to: DRIVER2, amount: '100001' }),
        'INSUFFICIENT_FUNDS',
        { available: '100000' },
      );
      await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'transfer', { to: DRIVER, amount: '1' }),
        'INVALID_ARGUMENT',
        { field: 'to' },
      );
    });
  });

  describe('claimEarnings', () => {
    it('keeps earnings locked during the dispute window, then makes them payable', async () => {
      const ledger = await withEarnings();
      expect(await ledger.submit(HOST, 'claimEarnings')).to.deep.include({
        claimed: '0',
        count: 0,
        stillLocked: 1,
      });
      ledger.advance(3 * DAY);
      expect(await ledger.submit(HOST, 'claimEarnings')).to.deep.include({ claimed: '2250', count: 1 });
      expect(field(await ledger.evaluate(HOST, 'getBalance'), 'earned')).to.deep.equal({
        payable: '2250',
        locked: '0',
        frozen: '0',
      });
    });
  });

  describe('payouts', () => {
    async function payable(): Promise<TestLedger> {
      const ledger = await withEarnings();
      ledger.advance(3 * DAY);
      await ledger.submit(HOST, 'claimEarnings');
      await ledger.submit(HOST, 'setPayoutDestination', { iban: IBAN });
      return ledger;
    }
    it('escrows on request, burns on confirm', async () => {
      const ledger = await payable();
      await ledger.submit(HOST, 'requestPayout', { payoutId: 'po-1', amount: '2000' });
      expect(field(await ledger.evaluate(HOST, 'getBalance'), 'held', 'payouts')).to.equal('2000');
      const before = await ledger.evaluate(AUDITOR, 'auditTotals');
      await ledger.submit(ISSUER, 'confirmPayout', { account: HOST, payoutId: 'po-1' });
      const after = await ledger.evaluate(AUDITOR, 'auditTotals');
      expect(BigInt(field(after, 'burned') as string) - BigInt(field(before, 'burned') as string)).to.equal(
        2000n,
      );
      expect(field(after, 'balanced')).to.equal(true);
      expect(field(await ledger.evaluate(HOST, 'getBalance'), 'total')).to.equal('250');
    });
    it('restores the tokens when the payout fails', async () => {
      const ledger = await payable();
      await ledger.submit(HOST, 'requestPayout', { payoutId: 'po-1', amount: '2000' });
      await ledger.submit(ISSUER, 'failPayout', { account: HOST, payoutId: 'po-1', reason: 'IBAN closed' });
      expect(field(await ledger.evaluate(HOST, 'getBalance'), 'earned', 'payable')).to.equal('2250');
    });
    it('pays out from earned only: purchased tokens and locked earnings are not payable', async () => {
      const ledger = await withEarnings();
      await ledger.submit(HOST, 'setPayoutDestination', { iban: IBAN });
      await ledger.submit(DRIVER, 'setPayoutDestination', { reference: 'paypal:ben@example.org' });
      await expectError(
        ledger,
        () => ledger.submit(HOST, 'requestPayout', { payoutId: 'po-1', amount: '1' }),
        'INSUFFICIENT_FUNDS',
        { bucket: 'earned' },
      );
      await expectError(
        ledger,
        () => ledger.submit(DRIVER, 'requestPayout', { payoutId: 'po-2', amount: '1' }),
        'INSUFFICIENT_FUNDS',
        { bucket: 'earned' },
      );
    });
    it('throws INVALID_STATE for a second confirm, ALREADY_EXISTS for a reused id, FORBIDDEN for non-issuers', async () => {
      const ledger = await payable();
      await ledger.submit(HOST, 'requestPayout', { payoutId: 'po-1', amount: '100' });
      await expectError(
        ledger,
        () => ledger.submit(HOST, 'requestPayout', { payoutId: 'po-1', amount: '100' }),
        'ALREADY_EXISTS',
      );
      await expectError(
        ledger,
        () => ledger.submit(HOST, 'confirmPayout', { account: HOST, payoutId: 'po-1' }),
        'FORBIDDEN',
      );
      await ledger.submit(ISSUER, 'confirmPayout', { account: HOST, payoutId: 'po-1' });
      await expectError(
        ledger,
        () => ledger.submit(ISSUER, 'failPayout', { account: HOST, payoutId: 'po-1' }),
        'INVALID_STATE',
        { state: 'CONFIRMED' },
      );
      await expectError(
        ledger,
        () => ledger.submit(ISSUER, 'confirmPayout', { account: HOST, payoutId: 'po-9' }),
        'NOT_FOUND',
      );
    });
  });

  describe('getBalance', () => {
    it("throws FORBIDDEN for another account's balance unless auditor or operator", async () => {
      const ledger = await readyLedger();
      await expectError(
        ledger,
        () => ledger.evaluate(DRIVER2, 'getBalance', { account: DRIVER }),
        'FORBIDDEN',
      );
      expect(field(await ledger.evaluate(AUDITOR, 'getBalance', { account: DRIVER }), 'total')).to.equal(
        '100000',
      );
    });
  });
});
