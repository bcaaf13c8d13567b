// The typed error of wallet files: what went wrong and what to do, never a secret.

export type WalletErrorCode =
  /** The passphrase does not open the wallet (or the sealed part was changed). */
  | 'WALLET_LOCKED'
  /** No wallet file where one is expected. */
  | 'WALLET_MISSING'
  /** A wallet file already exists where a new one would go. */
  | 'WALLET_EXISTS'
  /** The file is not a wallet of this format, or its parameters are out of bounds. */
  | 'WALLET_INVALID'
  /** The file opened, but its public part does not match the sealed secret. */
  | 'WALLET_TAMPERED'
  /** No passphrase: neither a terminal to ask nor ECAR_WALLET_PASSPHRASE; or one too weak to use. */
  | 'WALLET_PASSPHRASE';

export class WalletError extends Error {
  readonly code: WalletErrorCode;
  readonly file: string | undefined;

  constructor(code: WalletErrorCode, message: string, file?: string) {
    super(message);
    this.name = 'WalletError';
    this.code = code;
    this.file = file;
  }
}
