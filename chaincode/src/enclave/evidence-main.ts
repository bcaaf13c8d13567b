// `node dist/chaincode/src/enclave/evidence-main.js`: starts this build's enclave runtime once, with
// the same environment as its chaincode server (chaincode/src/enclave/config.ts), and prints its
// evidence JSON on stdout. The identity is created and sealed to this build's measurement in
// ECAR_ENCLAVE_DIR on first run, so the server started later on that folder has the same identity:
// an upgrade registers the new enclaves, and receives the keys, before the lifecycle switches to it.
// Evidence is public (quote, collateral, public keys); nothing secret is printed.
import { EcarError } from '../protocol/errors';
import { createEnclaveRuntime } from './runtime';
import { readEnclaveConfig } from './config';

function main(): void {
  try {
    const runtime = createEnclaveRuntime(readEnclaveConfig());
    process.stdout.write(`${JSON.stringify(runtime.enclaveEvidence())}\n`);
  } catch (error) {
    const reason = error instanceof EcarError || error instanceof Error ? error.message : String(error);
    process.stderr.write(`enclave evidence: ${reason}\n`);
    process.exitCode = 1;
  }
}

main();
