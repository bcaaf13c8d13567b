// Runs `ecar` in-process through the real program builder (runProgram) with a fake LedgerClient:
// captured stdout and stderr, the exit code the command set (2 for usage errors), and a throw-away
// ECAR_HOME holding one plaintext profile whose identity files exist (the fake session never reads them).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonValue } from '../../../chaincode/src/protocol/json';
import type { AttestationStatusReport, LedgerSession } from '../../../client/src/app/ledger-session';
import { readAttestationStatus } from '../../../client/src/app/ledger-session';
import type { CliDeps } from '../../../client/src/cli/context';
import { runProgram } from '../../../client/src/cli/main';
import {
  encodeArgs,
  type LedgerArgs,
  type LedgerClient,
  type LedgerSubmitResult,
} from '../../../client/src/fabric/ledger-client';
import { writeProfile } from '../../../client/src/profile/profile';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RecordedCall {
  readonly kind: 'submit' | 'evaluate';
  readonly fn: string;
  /** The arguments as the wire carries them (JSON: bigint as decimal strings, undefined dropped). */
  readonly args: JsonValue;
}

/** A LedgerClient that records calls and answers from a table (by function name). */
export class RecordingLedger implements LedgerClient {
  readonly calls: RecordedCall[] = [];
  readonly answers = new Map<string, JsonValue | Error>();
  block = 7n;

  answer(fn: string, value: JsonValue | Error): this {
    this.answers.set(fn, value);
    return this;
  }

  submit(fn: string, args: LedgerArgs = {}): Promise<LedgerSubmitResult> {
    this.calls.push({ kind: 'submit', fn, args: JSON.parse(encodeArgs(args)) as JsonValue });
    const answer = this.answers.get(fn) ?? {};
    if (answer instanceof Error) return Promise.reject(answer);
    this.block += 1n;
    return Promise.resolve({
      result: answer,
      transactionId: `tx-${fn}`,
      blockNumber: this.block,
      attempts: 1,
    });
  }

  evaluate(fn: string, args: LedgerArgs = {}): Promise<JsonValue> {
    this.calls.push({ kind: 'evaluate', fn, args: JSON.parse(encodeArgs(args)) as JsonValue });
    const answer = this.answers.get(fn) ?? null;
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  }

  whoami(): Promise<string> {
    return Promise.resolve('x509:recording');
  }
}

/** A fresh ECAR_HOME with one plaintext profile 'test' (default) whose files exist. */
export function tempHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'ecar-cli-'));
  mkdirSync(join(home, 'id'));
  for (const f of ['tls.pem', 'cert.pem', 'key.pem']) writeFileSync(join(home, 'id', f), 'placeholder\n');
  writeProfile({
    home,
    name: 'test',
    settings: {
      endpoint: '127.0.0.1:7051',
      tlsRootCert: 'id/tls.pem',
      mspId: 'Org1MSP',
      certificate: 'id/cert.pem',
      privateKey: 'id/key.pem',
      channel: 'ecar',
      chaincode: 'ecar',
      mode: 'plaintext',
    },
  });
  return home;
}

export interface RunOptions {
  readonly ledger?: LedgerClient;
  readonly home?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly attestation?: AttestationStatusReport;
}

/** Runs `ecar <argv>` in-process; the exit code follows main(): 0, 1, or 2 for usage errors. */
export async function runCli(argv: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  let code = 0;
  const home = options.home ?? tempHome();
  const deps: CliDeps = {
    env: { ECAR_HOME: home, ...options.env },
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    prompt: () => Promise.resolve(undefined),
    openSession: (): Promise<LedgerSession> =>
      Promise.resolve({
        ledger: options.ledger ?? new RecordingLedger(),
        mode: 'plaintext',
        close: () => undefined,
      }),
    attestationStatus: (profile, now) =>
      options.attestation === undefined
        ? readAttestationStatus(profile, now)
        : Promise.resolve(options.attestation),
    now: () => new Date(Date.UTC(2026, 2, 2, 8, 0, 0)),
    setExitCode: (c) => {
      code = c;
    },
  };
  await runProgram(argv, deps);
  return { code, stdout, stderr };
}

/** The JSON a --json run printed. */
export function json(run: CliRun): unknown {
  return JSON.parse(run.stdout) as unknown;
}
