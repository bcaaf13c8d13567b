// Background processes of the network: started detached in their own process group with a log
// file and a pid file, recognised again by pid + command line (a reused pid is not ours), stopped
// as a group (TERM, then KILL).
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ProcessSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly logFile: string;
  readonly pidFile: string;
  /** A string the process's command line must contain for a pid file to be trusted. */
  readonly marker: string;
}

/** Returns the pid recorded for a process if that pid is alive and is still our process. */
export function runningPid(pidFile: string, marker: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
  if (!Number.isInteger(pid) || pid <= 1) return undefined;
  const cmdline = readCmdline(pid);
  return cmdline?.includes(marker) ? pid : undefined;
}

export function readCmdline(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return undefined;
  }
}

/** Starts the process detached (own session and process group) and records its pid. */
export function startProcess(spec: ProcessSpec): number {
  mkdirSync(dirname(spec.logFile), { recursive: true });
  mkdirSync(dirname(spec.pidFile), { recursive: true });
  const log = openSync(spec.logFile, 'a');
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...spec.env },
      detached: true,
      stdio: ['ignore', log, log],
    });
    if (child.pid === undefined) throw new Error(`could not start ${spec.name} (${spec.command})`);
    child.unref();
    writeFileSync(spec.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/** Stops a recorded process group: SIGTERM, then SIGKILL after `graceMs`. Removes the pid file. */
export async function stopProcess(pidFile: string, marker: string, graceMs = 10_000): Promise<boolean> {
  const pid = runningPid(pidFile, marker);
  if (pid === undefined) {
    rmSync(pidFile, { force: true });
    return false;
  }
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && isAlive(pid)) await sleep(100);
  if (isAlive(pid)) {
    signalGroup(pid, 'SIGKILL');
    while (isAlive(pid)) await sleep(50);
  }
  rmSync(pidFile, { force: true });
  return true;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie still answers signals: it is gone once every thread is. The leader of a multi-threaded
  // process (a Go peer) shows Z while its other threads still run down and still hold its sockets.
  return liveThreads(pid) > 0;
}

/** Threads of the process that are neither zombie nor dead (0 when /proc has no such process). */
function liveThreads(pid: number): number {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return 0;
  }
  let live = 0;
  for (const task of tasks) {
    try {
      const state = /^State:\s+(\S)/m.exec(readFileSync(`/proc/${pid}/task/${task}/status`, 'utf8'))?.[1];
      if (state !== undefined && state !== 'Z' && state !== 'X') live += 1;
    } catch {
      // the thread ended while we looked
    }
  }
  return live;
}

/** Resident memory of a process and its descendants, in KiB (from /proc). */
export function residentKiB(pid: number): number {
  let total = 0;
  for (const p of [pid, ...descendants(pid)]) {
    try {
      const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      total += match?.[1] ? Number.parseInt(match[1], 10) : 0;
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

function descendants(pid: number): number[] {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter((s) => s !== '')
      .map((s) => Number.parseInt(s, 10));
    return children.flatMap((c) => [c, ...descendants(c)]);
  } catch {
    return [];
  }
}
