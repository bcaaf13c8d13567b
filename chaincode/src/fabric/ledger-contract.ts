// The plain (non-confidential) ledger contract: two thin entry points that dispatch any domain
// transaction by name with a JSON argument object, and `whoami`.
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { EcarError } from '../protocol/errors';
import { runLedgerTransaction, whoami } from './ledger-transaction';
import { assertPlaintextMode } from './plaintext-guard';

export const LEDGER_CONTRACT_NAME = 'ledger';

@Info({
  title: 'LedgerContract',
  description: 'E-car charging ledger (plain mode): submit and evaluate domain transactions by name',
})
export class LedgerContract extends Contract {
  constructor() {
    super(LEDGER_CONTRACT_NAME);
  }

  /** Every call is refused unless plaintext mode is on (ECAR_PLAINTEXT=1). */
  override beforeTransaction(_ctx: Context): Promise<void> {
    try {
      assertPlaintextMode();
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** A write: `fn` is a domain transaction name, `argsJson` its argument object as JSON text. */
  @Transaction()
  @Returns('string')
  async submit(ctx: Context, fn: string, argsJson: string): Promise<string> {
    return runLedgerTransaction(ctx, 'submit', fn, argsJson);
  }

  /** A read (not ordered, not committed); write transactions are refused. */
  @Transaction(false)
  @Returns('string')
  async evaluate(ctx: Context, fn: string, argsJson: string): Promise<string> {
    return runLedgerTransaction(ctx, 'evaluate', fn, argsJson);
  }

  /** `{ id, mspId }`: the caller id the ledger knows you by (give it to whoever assigns roles). */
  @Transaction(false)
  @Returns('string')
  whoami(ctx: Context): Promise<string> {
    return Promise.resolve(whoami(ctx));
  }

  /** A contract function that does not exist: refused with a stable code, like an unknown `fn`. */
  override unknownTransaction(ctx: Context): Promise<void> {
    const { fcn } = ctx.stub.getFunctionAndParameters();
    return Promise.reject(
      new EcarError(
        'UNKNOWN_FUNCTION',
        `the ledger contract has no function '${fcn.slice(0, 64)}'; use submit, evaluate or whoami`,
      ),
    );
  }
}
