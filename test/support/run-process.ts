// One child process with only the environment given, its output collected and a deadline: the way the
// end-to-end suites run `ecar` and the guides' shell commands.
import { spawn } from 'node:child_process';

/** What one process did. */
export interface ProcessRun {
  /** Exit code; null when the process was killed (deadline). */
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `command args` in `cwd` with exactly `env`; resolves on exit (never rejects on a non-zero exit). */
export function runProcess(
  command: string,
  args: readonly string[],
  options: Readonly<{ cwd: string; env: Readonly<Record<string, string>>; deadlineMs: number }>,
): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.deadlineMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({
        status,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
  });
}
