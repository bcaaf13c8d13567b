// Keeps one chaincode server running: restarts it with backoff when it dies, forwards TERM/INT,
// and exits when told to stop. Usage: node supervise.js <name> -- <command> [args...]
import { spawn, type ChildProcess } from 'node:child_process';

const separator = process.argv.indexOf('--');
const name = process.argv[2] ?? 'child';
const command = separator > 0 ? process.argv[separator + 1] : undefined;
const args = separator > 0 ? process.argv.slice(separator + 2) : [];

if (command === undefined) {
  process.stderr.write('usage: supervise <name> -- <command> [args...]\n');
  process.exit(2);
}

let child: ChildProcess | undefined;
let stopping = false;
let backoffMs = 500;

function log(message: string): void {
  process.stdout.write(`${new Date().toISOString()} [supervise ${name}] ${message}\n`);
}

function launch(cmd: string): void {
  const started = Date.now();
  child = spawn(cmd, args, { stdio: 'inherit', env: process.env });
  log(`started pid ${child.pid ?? '?'}`);
  child.on('exit', (code, signal) => {
    child = undefined;
    if (stopping) process.exit(0);
    // a server that ran for a while gets a fresh backoff
    if (Date.now() - started > 30_000) backoffMs = 500;
    log(`exited (${signal ?? `code ${code ?? '?'}`}); restarting in ${backoffMs} ms`);
    setTimeout(() => {
      launch(cmd);
    }, backoffMs);
    backoffMs = Math.min(backoffMs * 2, 30_000);
  });
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    stopping = true;
    if (child) child.kill(signal);
    else process.exit(0);
  });
}

launch(command);
