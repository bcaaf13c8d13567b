// A complete application on the ecar package: it connects to a peer with fabric-gateway, opens a
// wallet, connects the confidential contract, reads the wallet's balance, tops it up (the wallet must
// hold the issuer role) and checks that the balance grew by exactly that amount.
import { readFileSync } from 'node:fs';
import { createPrivateKey, randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { connect, hash, signers } from '@hyperledger/fabric-gateway';
import {
  connectConfidential,
  displayMoney,
  EcarError,
  EnclaveTrustError,
  loadAttestationPolicy,
  openWallet,
  parseTokenAmount,
  type Ledger,
} from 'ecar';

/** Settings from the environment, as a deployment would pass them. */
function setting(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`set ${name} (see the README)`);
  return value;
}

/** The purchased tokens of the wallet, in minor units (the answer is typed: money as decimal strings). */
async function purchased(ledger: Ledger): Promise<bigint> {
  const balance = await ledger.evaluate('getBalance');
  return BigInt(balance.purchased);
}

async function topUp(ledger: Ledger, amount: bigint): Promise<void> {
  const before = await purchased(ledger);
  const account = await ledger.whoami();
  const { transactionId, result } = await ledger.submit('mint', {
    account,
    amount,
    paymentRef: `example-${randomUUID()}`,
  });
  const after = await purchased(ledger);
  if (after - before !== amount || BigInt(result.amount) !== amount) {
    throw new Error(`the balance moved by ${displayMoney(after - before)}, not ${displayMoney(amount)}`);
  }
  console.log(JSON.stringify({ account, transactionId, before: before.toString(), after: after.toString() }));
}

async function main(): Promise<void> {
  const client = new grpc.Client(
    setting('ECAR_PEER_ENDPOINT'),
    grpc.credentials.createSsl(readFileSync(setting('ECAR_TLS_ROOT_CERT'))),
    { 'grpc.ssl_target_name_override': process.env.ECAR_TLS_SERVER_NAME ?? 'localhost' },
  );
  const gateway = connect({
    client,
    identity: { mspId: setting('ECAR_MSP_ID'), credentials: readFileSync(setting('ECAR_CERTIFICATE')) },
    signer: signers.newPrivateKeySigner(createPrivateKey(readFileSync(setting('ECAR_PRIVATE_KEY')))),
    hash: hash.sha256,
  });
  try {
    const wallet = await openWallet(setting('ECAR_WALLET'), setting('ECAR_WALLET_PASSPHRASE'));
    const ledger = connectConfidential({
      gateway,
      channel: setting('ECAR_CHANNEL'),
      chaincode: setting('ECAR_CHAINCODE'),
      wallet,
      policy: loadAttestationPolicy(readFileSync(setting('ECAR_POLICY'), 'utf8')),
    });
    await topUp(ledger, parseTokenAmount(process.env.ECAR_TOP_UP ?? '12.50'));
  } finally {
    gateway.close();
    client.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof EnclaveTrustError) {
    console.error(`not trusted: ${error.failures.map((f) => f.reason).join('; ')}`);
  } else if (error instanceof EcarError) {
    const where = error.transactionId === undefined ? '' : ` in transaction ${error.transactionId}`;
    console.error(`refused (${error.code})${where}: ${error.reason} ${JSON.stringify(error.details)}`);
  } else {
    console.error(error instanceof Error ? error.message : String(error));
  }
  process.exitCode = 1;
});
