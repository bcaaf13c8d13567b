// The ledger as an application sees it: `submit` and `evaluate` typed by transaction name from the
// protocol's table, so a misspelt name, a read sent as a write, a missing or wrong argument is a
// compile error, and the answer has its record's type (money as decimal strings of minor units).
import type { LedgerClient, LedgerSubmitResult } from './fabric/ledger-client';
import type {
  ArgsOf,
  EvaluateName,
  ResultOf,
  SubmitName,
  TransactionName,
} from '../../chaincode/src/protocol/transactions';

/** The arguments of `N`: optional when it takes none. */
type ArgsParameter<N extends TransactionName> =
  Record<string, never> extends ArgsOf<N> ? [args?: ArgsOf<N>] : [args: ArgsOf<N>];

/** A committed submit whose result has the transaction's record type. */
export interface TypedSubmitResult<N extends SubmitName> extends Omit<LedgerSubmitResult, 'result'> {
  readonly result: ResultOf<N>;
}

/**
 * A ledger session for one identity, typed by transaction.
 *
 * @example
 * const ledger = connectConfidential({ gateway, channel: 'ecar', chaincode: 'ecar', wallet, policy });
 * const { result: station } = await ledger.submit('registerStation', { stationId: 'home-1', ... });
 * const balance = await ledger.evaluate('getBalance'); // balance.total: string of minor units
 */
export interface Ledger {
  /** As LedgerClient.submit; the errors are the same. */
  submit<N extends SubmitName>(fn: N, ...args: ArgsParameter<N>): Promise<TypedSubmitResult<N>>;
  /** As LedgerClient.evaluate; the errors are the same. */
  evaluate<N extends EvaluateName>(fn: N, ...args: ArgsParameter<N>): Promise<ResultOf<N>>;
  /** The caller id the ledger knows this identity by (what role assignments name). */
  whoami(): Promise<string>;
  /** The same session, untyped: for names and arguments known only at run time (a command line). */
  readonly untyped: LedgerClient;
}

/**
 * Types a ledger session. The answers are not checked again here: the confidential client already
 * accepted them only with a verified enclave receipt, and their shapes are the domain's (the
 * registry is checked against the same table).
 */
export function typedLedger(client: LedgerClient): Ledger {
  return {
    async submit<N extends SubmitName>(fn: N, ...args: ArgsParameter<N>): Promise<TypedSubmitResult<N>> {
      const submitted = await client.submit(fn, args[0] ?? {});
      return submitted as unknown as TypedSubmitResult<N>;
    },
    async evaluate<N extends EvaluateName>(fn: N, ...args: ArgsParameter<N>): Promise<ResultOf<N>> {
      return (await client.evaluate(fn, args[0] ?? {})) as unknown as ResultOf<N>;
    },
    whoami: () => client.whoami(),
    untyped: client,
  };
}
