// `npm run network -- <command>`: control the local Fabric test network.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { parsePolicy } from '../../../chaincode/src/protocol/attestation';
import { table, toJson } from '../../../client/src/cli/output';
import type { AttestationReport } from '../../../client/src/confidential';
import {
  changeNetworkPolicy,
  enclaveReport,
  pruneNonceRecords,
  rotateChaincodeKeys,
} from './confidential-setup';
import { consoleProgress } from '../progress';
import { locateFabric } from './fabric-tools';
import { LocalNetwork, type NetworkStatus } from './network';
import { makeTopology, paths } from './topology';

interface GlobalOptions {
  readonly stateDir?: string;
  readonly basePort?: string;
  readonly json?: boolean;
  readonly servePlaintext?: boolean;
}

/** Network settings, read once: flags first, then ECAR_STATE_DIR / ECAR_BASE_PORT, then defaults. */
export function networkFromOptions(root: string, options: GlobalOptions): LocalNetwork {
  const basePort = Number.parseInt(options.basePort ?? process.env.ECAR_BASE_PORT ?? '7000', 10);
  if (!Number.isInteger(basePort) || basePort < 1024 || basePort > 64_000) {
    throw new Error('--base-port must be an integer between 1024 and 64000');
  }
  const stateDir = resolve(
    options.stateDir ?? process.env.ECAR_STATE_DIR ?? resolve(root, '.state', 'network'),
  );
  const topology = makeTopology({ root, stateDir, basePort, plaintext: options.servePlaintext === true });
  const fabric = locateFabric(root, process.env.FABRIC_HOME);
  return new LocalNetwork({ topology, fabric, progress: consoleProgress(options.json === true) });
}

export function renderStatus(status: NetworkStatus): string {
  const lines = [`network: ${status.state}   channel: ${status.channel}   state: ${status.stateDir}`];
  if (status.chaincode) {
    lines.push(`chaincode: ecar ${status.chaincode.version} (sequence ${status.chaincode.sequence})`);
  }
  const rows = status.nodes.map((n) => [
    n.name,
    n.running ? 'running' : 'stopped',
    n.pid === undefined ? '-' : String(n.pid),
    n.ports.map((p) => `127.0.0.1:${p}`).join(' '),
    n.rssKiB === undefined ? '-' : `${(n.rssKiB / 1024).toFixed(0)} MiB`,
  ]);
  lines.push(table([['NODE', 'STATE', 'PID', 'LISTENS', 'RSS'], ...rows]));
  return lines.join('\n');
}

function renderEnclaves(report: AttestationReport): string {
  const rows = report.enclaves.map((e) => [
    e.id.slice(0, 16),
    e.mspId,
    e.measurement.slice(0, 16),
    e.tcbStatus,
    e.accepted ? 'accepted' : `refused: ${e.reason ?? ''}`,
  ]);
  return [
    `key epoch ${report.currentEpoch}; vouched by ${report.vouchingOrgs.join(' + ') || 'nobody'}; trusted: ${report.trusted ? 'yes' : 'no'}`,
    table([['ENCLAVE', 'ORG', 'MEASUREMENT', 'TCB', 'VERDICT'], ...rows]),
  ].join('\n');
}

function print(json: boolean | undefined, value: unknown, human: string): void {
  process.stdout.write(json === true ? `${toJson(value)}\n` : `${human}\n`);
}

export function buildNetworkProgram(root: string): Command {
  const program = new Command('network')
    .description(
      'Control the local Hyperledger Fabric test network (no Docker: native processes on 127.0.0.1)',
    )
    .option(
      '--state-dir <dir>',
      'folder for crypto, ledgers, logs and pids (default .state/network, env ECAR_STATE_DIR)',
    )
    .option(
      '--base-port <port>',
      'first port of the range the network uses (default 7000, env ECAR_BASE_PORT)',
    )
    .option('--json', 'machine-readable output on stdout')
    .option(
      '--serve-plaintext',
      'chaincode servers also serve the plain ledger contract (benchmark baseline only)',
    )
    .exitOverride();
  const net = (): LocalNetwork => networkFromOptions(root, program.opts<GlobalOptions>());
  const json = (): boolean | undefined => program.opts<GlobalOptions>().json;
  registerBuildCommands(program, net, json);
  registerGovernanceCommands(program, net, json);
  registerProcessCommands(program, net, json);
  return program;
}

type NetworkOf = () => LocalNetwork;
type JsonFlag = () => boolean | undefined;

/** `up` and `deploy`. */
function registerBuildCommands(program: Command, net: NetworkOf, json: JsonFlag): void {
  program
    .command('up')
    .description('create the network (crypto, orderer, 2 peers, channel, chaincode), or resume a stopped one')
    .addHelpText('after', '\nExample:\n  npm run network -- up')
    .action(async () => {
      const result = await net().up();
      print(
        json(),
        result,
        `${result.alreadyRunning ? 'already running\n' : ''}${renderStatus(result.status)}`,
      );
    });
  program
    .command('deploy')
    .description('install and commit the current chaincode build; upgrades (next sequence) when it changed')
    .addHelpText('after', '\nExample:\n  npm run build && npm run network -- deploy')
    .action(async () => {
      const result = await net().deploy();
      print(
        json(),
        result,
        `chaincode ${result.version} at sequence ${result.sequence}${result.upgraded ? ' (committed)' : ' (unchanged)'}`,
      );
    });
}

/** `enclaves`, `rotate-keys`, `prune-nonces` and `policy`: the consortium's confidential governance. */
function registerGovernanceCommands(program: Command, net: NetworkOf, json: JsonFlag): void {
  program
    .command('enclaves')
    .description(
      "every registered enclave, its org, measurement, TCB status and the key epoch, checked against the network's policy",
    )
    .action(async () => {
      const n = net();
      const report = await enclaveReport(n.topology);
      print(json(), report, renderEnclaves(report));
      if (!report.trusted) process.exitCode = 1;
    });
  program
    .command('rotate-keys')
    .description(
      "open a new chaincode key epoch: proposed by org1's admin and approved by the other orgs' admins (majority), created in org1's enclave, wrapped to every attested enclave, vouched by all orgs",
    )
    .addHelpText(
      'after',
      '\nOld state stays readable; new writes use the new epoch.\n\nExample:\n  npm run network -- rotate-keys',
    )
    .action(async () => {
      const n = net();
      const report = await rotateChaincodeKeys(n.topology, consoleProgress(json() === true));
      print(
        json(),
        report,
        `key epoch ${report.epoch} is current, vouched for by ${Object.keys(report.enclaves).join(' + ')}`,
      );
    });
  program
    .command('prune-nonces')
    .description(
      "remove the replay-guard records of requests that expired more than twice the clock skew ago (org1's admin; endorsed by every org's enclave)",
    )
    .addHelpText(
      'after',
      '\nRun it now and then (daily); expired requests stay refused.\n\nExample:\n  npm run network -- prune-nonces',
    )
    .action(async () => {
      const n = net();
      const report = await pruneNonceRecords(n.topology);
      print(
        json(),
        report,
        `removed ${report.removed} nonce records of ${report.buckets} expired 10-minute buckets`,
      );
    });
  program
    .command('policy')
    .description(
      'propose an attestation policy (org1 admin) and approve it (other org admins); applied by majority',
    )
    .argument('<file>', 'policy JSON (see chaincode/src/protocol/attestation/policy.ts)')
    .addHelpText('after', '\nExample:\n  npm run network -- policy my-policy.json')
    .action(async (file: string) => {
      const n = net();
      const policy = parsePolicy(JSON.parse(readFileSync(file, 'utf8')) as unknown);
      const report = await changeNetworkPolicy(n.topology, policy);
      print(
        json(),
        report,
        report.applied
          ? `policy applied (approved by ${report.approvals.join(', ')})`
          : `policy proposed, approvals so far: ${report.approvals.join(', ')}`,
      );
    });
}

/** `start`, `stop`, `down`, `status` and `logs`. */
function registerProcessCommands(program: Command, net: NetworkOf, json: JsonFlag): void {
  program
    .command('start')
    .description('start the processes of a stopped network; committed data is kept')
    .action(async () => {
      const status = await net().start();
      print(json(), status, renderStatus(status));
    });
  program
    .command('stop')
    .description('stop every process; ledgers stay for `start`')
    .action(async () => {
      const n = net();
      await n.stop();
      print(json(), n.status(), renderStatus(n.status()));
    });
  program
    .command('down')
    .description('stop every process and delete the state folder')
    .action(async () => {
      const n = net();
      await n.down();
      print(
        json(),
        { state: 'absent', stateDir: n.topology.stateDir },
        `network removed (${n.topology.stateDir})`,
      );
    });
  program
    .command('status')
    .description('show each node: running or not, pid, ports, resident memory')
    .action(() => {
      const status = net().status();
      print(json(), status, renderStatus(status));
    });
  program
    .command('logs')
    .description('show a node log (orderer, peer0.org1, peer0.org2, ccaas.org1, ccaas.org2)')
    .argument('<node>', 'node name')
    .option('-n, --lines <n>', 'number of lines', '50')
    .option('-f, --follow', 'keep printing new lines')
    .action(async (node: string, opts: { lines: string; follow?: boolean }) => {
      const n = net();
      const known = n.status().nodes.map((s) => s.name);
      if (!known.includes(node)) throw new Error(`unknown node '${node}': one of ${known.join(', ')}`);
      const file = paths.log(n.topology, node);
      if (!existsSync(file)) throw new Error(`no log yet for ${node} (${file})`);
      if (opts.follow === true) {
        await new Promise<void>((done) => {
          spawn('tail', ['-n', opts.lines, '-F', file], { stdio: 'inherit' }).on('exit', () => {
            done();
          });
        });
        return;
      }
      const lines = readFileSync(file, 'utf8').split('\n');
      process.stdout.write(lines.slice(-Number.parseInt(opts.lines, 10) - 1).join('\n'));
    });
}

export async function main(argv: readonly string[]): Promise<void> {
  const root = resolve(__dirname, '..', '..', '..', '..');
  const program = buildNetworkProgram(root);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    if (program.opts<GlobalOptions>().json === true) {
      process.stdout.write(`${JSON.stringify({ ok: false, error: message })}\n`);
    } else {
      process.stderr.write(`network: ${message}\n`);
    }
    process.exitCode = 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2));
}
