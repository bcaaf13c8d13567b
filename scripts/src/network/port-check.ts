// Finds out whether a loopback TCP port is free and, if not, which process holds it.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { readCmdline } from './processes';

export interface PortHolder {
  readonly port: number;
  readonly pid?: number;
  readonly command?: string;
}

export async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const server = createServer();
    server.once('error', () => {
      resolvePromise(false);
    });
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      server.close(() => {
        resolvePromise(true);
      });
    });
  });
}

/** The process listening on a TCP port, found through /proc (best effort: may lack permission). */
export function portHolder(port: number): PortHolder {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return { port };
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${entry}/fd/${fd}`);
      } catch {
        continue;
      }
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (match?.[1] && inodes.has(match[1])) {
        const pid = Number.parseInt(entry, 10);
        return { port, pid, command: readCmdline(pid) ?? '?' };
      }
    }
  }
  return { port };
}

function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      const state = cols[3];
      const inode = cols[9];
      if (!local || state !== '0A' || !inode) continue; // 0A = LISTEN
      const portHex = local.split(':')[1];
      if (portHex && Number.parseInt(portHex, 16) === port) inodes.add(inode);
    }
  }
  return inodes;
}

export function describeHolder(holder: PortHolder): string {
  if (holder.pid === undefined) return `port ${holder.port} is in use (the holding process is not visible)`;
  const command =
    holder.command && holder.command.length > 120 ? `${holder.command.slice(0, 117)}...` : holder.command;
  return `port ${holder.port} is in use by pid ${holder.pid} (${command ?? '?'})`;
}
