// The typed transaction table: the registry holds exactly its names with its kinds, and the typed
// client refuses at compile time what the ledger would refuse at run time. The compile-time cases
// are `@ts-expect-error` lines: were one of them accepted, the build (tsc) of this file would fail.
import { expect } from 'chai';
import { TRANSACTIONS } from '../../../chaincode/src/domain/transactions';
import {
  TRANSACTION_KINDS,
  isTransactionName,
  type ResultOf,
} from '../../../chaincode/src/protocol/transactions';
import type { LedgerArgs, LedgerClient } from '../../../client/src/fabric/ledger-client';
import { typedLedger, type Ledger } from '../../../client/src/typed-ledger';

/** Never called: it only has to compile (and each marked line has to fail to). */
export async function compileTimeCases(ledger: Ledger): Promise<readonly unknown[]> {
  // @ts-expect-error a misspelt name
  await ledger.evaluate('getBalanse');
  // @ts-expect-error a write sent as a read
  await ledger.evaluate('mint', { account: 'w:1', amount: 1n, paymentRef: 'p' });
  // @ts-expect-error a read sent as a write
  await ledger.submit('getBalance');
  // @ts-expect-error a missing argument (paymentRef)
  await ledger.submit('mint', { account: 'w:1', amount: 1n });
  // @ts-expect-error an argument of the wrong type (amount as a number)
  await ledger.submit('mint', { account: 'w:1', amount: 1, paymentRef: 'p' });
  // @ts-expect-error an argument the transaction does not take
  await ledger.submit('claimEarnings', { amount: 1n });
  // @ts-expect-error arguments are required where the transaction has required fields
  await ledger.submit('startSession');
  const balance: ResultOf<'getBalance'> = await ledger.evaluate('getBalance');
  // money arrives as decimal strings of minor units
  const total: string = balance.total;
  // @ts-expect-error ... never as bigint
  const wrong: bigint = balance.purchased;
  return [total, wrong];
}

class RecordingClient implements LedgerClient {
  readonly calls: [string, string, LedgerArgs | undefined][] = [];
  submit(fn: string, args?: LedgerArgs) {
    this.calls.push(['submit', fn, args]);
    return Promise.resolve({ result: { amount: '5' }, transactionId: 'tx-1', blockNumber: 3n, attempts: 1 });
  }
  evaluate(fn: string, args?: LedgerArgs) {
    this.calls.push(['evaluate', fn, args]);
    return Promise.resolve({ total: '7' });
  }
  whoami() {
    return Promise.resolve('w:me');
  }
}

describe('the typed transaction table', () => {
  it('names exactly the transactions the registry dispatches, with the same kinds', () => {
    const registry = Object.fromEntries(Object.entries(TRANSACTIONS).map(([name, d]) => [name, d.kind]));
    expect(registry).to.deep.equal({ ...TRANSACTION_KINDS });
  });

  it('tells a transaction name from any other string', () => {
    expect(isTransactionName('getBalance')).to.equal(true);
    expect(isTransactionName('getBalanse')).to.equal(false);
    expect(isTransactionName('toString')).to.equal(false);
  });
});

describe('typedLedger', () => {
  it('passes the name and the arguments on unchanged, and answers what the client answered', async () => {
    const client = new RecordingClient();
    const ledger = typedLedger(client);
    const submitted = await ledger.submit('mint', { account: 'w:1', amount: 5n, paymentRef: 'p' });
    const balance = await ledger.evaluate('getBalance');
    expect(client.calls).to.deep.equal([
      ['submit', 'mint', { account: 'w:1', amount: 5n, paymentRef: 'p' }],
      ['evaluate', 'getBalance', {}],
    ]);
    expect(submitted).to.deep.equal({
      result: { amount: '5' },
      transactionId: 'tx-1',
      blockNumber: 3n,
      attempts: 1,
    });
    expect(balance).to.deep.equal({ total: '7' });
    expect(await ledger.whoami()).to.equal('w:me');
    expect(ledger.untyped).to.equal(client);
  });
});
