// Chaincode as a service: builds a ccaas package per org (it only names that org's chaincode
// server), installs, approves and commits the definition whose version carries the hash of the
// built chaincode bundle, and runs one supervised chaincode server per org.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chaincodeMeasurement } from '../../../chaincode/src/protocol/attestation/measurement';
import { ordererArgs, peerAdminEnv } from './admin';
import { enclaveEnv } from './enclave-setup';
import { CommandError, runFabric, type FabricInstall } from './fabric-tools';
import { runningPid, startProcess, stopProcess } from './processes';
import { ENDORSEMENT_POLICY, paths, type PeerOrg, type Topology } from './topology';

export interface ChaincodeBundle {
  /** SHA-256 over the compiled chaincode, its module descriptor and the dependency lockfile. */
  readonly hash: string;
  readonly version: string;
  readonly label: string;
}

export interface CommittedDefinition {
  readonly sequence: number;
  readonly version: string;
}

/** Hash of what the chaincode server runs: dist/chaincode, chaincode/package.json, package-lock.json. */
export function chaincodeBundle(root: string): ChaincodeBundle {
  const digest = chaincodeMeasurement(root);
  const pkg = JSON.parse(readFileSync(join(root, 'chaincode', 'package.json'), 'utf8')) as {
    version: string;
  };
  return {
    hash: digest,
    version: `${pkg.version}-${digest.slice(0, 12)}`,
    label: `ecar_${digest.slice(0, 12)}`,
  };
}

/** Writes the org's ccaas package (metadata.json + code.tar.gz with connection.json). */
export function writeCcaasPackage(t: Topology, org: PeerOrg, bundle: ChaincodeBundle): string {
  const dir = join(paths.chaincodeDir(t), org.name, bundle.label);
  const src = join(dir, 'src');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(src, { recursive: true });
  writeFileSync(
    join(src, 'connection.json'),
    JSON.stringify({
      address: `127.0.0.1:${org.chaincodeServerPort}`,
      dial_timeout: '10s',
      tls_required: false,
    }),
  );
  writeFileSync(join(dir, 'metadata.json'), JSON.stringify({ type: 'ccaas', label: bundle.label }));
  const tarArgs = ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0'];
  execFileSync('tar', [...tarArgs, '-cf', join(dir, 'code.tar'), '-C', src, 'connection.json']);
  execFileSync('gzip', ['-n', '-f', join(dir, 'code.tar')]);
  const pkg = join(dir, `${bundle.label}.tar.gz`);
  execFileSync('tar', [...tarArgs, '-cf', join(dir, 'pkg.tar'), '-C', dir, 'metadata.json', 'code.tar.gz']);
  execFileSync('gzip', ['-n', '-f', join(dir, 'pkg.tar')]);
  execFileSync('mv', [join(dir, 'pkg.tar.gz'), pkg]);
  return pkg;
}

export async function installPackage(
  t: Topology,
  fabric: FabricInstall,
  org: PeerOrg,
  pkg: string,
): Promise<string> {
  const env = peerAdminEnv(t, org);
  const packageId = (
    await runFabric(fabric, 'peer', ['lifecycle', 'chaincode', 'calculatepackageid', pkg], env)
  ).trim();
  const installed = JSON.parse(
    await runFabric(fabric, 'peer', ['lifecycle', 'chaincode', 'queryinstalled', '-O', 'json'], env),
  ) as { installed_chaincodes?: { package_id: string }[] };
  if (!(installed.installed_chaincodes ?? []).some((c) => c.package_id === packageId)) {
    await runFabric(fabric, 'peer', ['lifecycle', 'chaincode', 'install', pkg], env);
  }
  return packageId;
}

export async function queryCommitted(
  t: Topology,
  fabric: FabricInstall,
  org: PeerOrg,
): Promise<CommittedDefinition | undefined> {
  try {
    const out = await runFabric(
      fabric,
      'peer',
      ['lifecycle', 'chaincode', 'querycommitted', '-C', t.channel, '-n', t.chaincode, '-O', 'json'],
      peerAdminEnv(t, org),
    );
    const json = JSON.parse(out) as { sequence: number; version: string };
    return { sequence: json.sequence, version: json.version };
  } catch (error) {
    if (error instanceof CommandError && /not found|404/i.test(error.stderr)) return undefined;
    throw error;
  }
}

function definitionArgs(t: Topology, bundle: ChaincodeBundle, sequence: number): string[] {
  return [
    '--channelID',
    t.channel,
    '--name',
    t.chaincode,
    '--version',
    bundle.version,
    '--sequence',
    String(sequence),
    '--signature-policy',
    ENDORSEMENT_POLICY,
  ];
}

async function approvals(
  t: Topology,
  fabric: FabricInstall,
  bundle: ChaincodeBundle,
  sequence: number,
): Promise<Record<string, boolean>> {
  const org = t.orgs[0];
  if (!org) throw new Error('no peer org');
  const out = await runFabric(
    fabric,
    'peer',
    ['lifecycle', 'chaincode', 'checkcommitreadiness', ...definitionArgs(t, bundle, sequence), '-O', 'json'],
    peerAdminEnv(t, org),
  );
  return (JSON.parse(out) as { approvals: Record<string, boolean> }).approvals;
}

export async function approveAndCommit(
  t: Topology,
  fabric: FabricInstall,
  bundle: ChaincodeBundle,
  packageIds: Readonly<Record<string, string>>,
  sequence: number,
): Promise<void> {
  const approved = await approvals(t, fabric, bundle, sequence);
  for (const org of t.orgs) {
    if (approved[org.mspId] === true) continue;
    const packageId = packageIds[org.name];
    if (packageId === undefined) throw new Error(`no package installed for ${org.name}`);
    await runFabric(
      fabric,
      'peer',
      [
        'lifecycle',
        'chaincode',
        'approveformyorg',
        ...ordererArgs(t),
        ...definitionArgs(t, bundle, sequence),
        '--package-id',
        packageId,
      ],
      peerAdminEnv(t, org),
    );
  }
  const peers = t.orgs.flatMap((org) => [
    '--peerAddresses',
    `127.0.0.1:${org.peerPort}`,
    '--tlsRootCertFiles',
    paths.peerTlsCa(t, org),
  ]);
  const first = t.orgs[0];
  if (!first) throw new Error('no peer org');
  await runFabric(
    fabric,
    'peer',
    ['lifecycle', 'chaincode', 'commit', ...ordererArgs(t), ...definitionArgs(t, bundle, sequence), ...peers],
    peerAdminEnv(t, first),
  );
}

export function chaincodeServerName(org: PeerOrg): string {
  return `ccaas.${org.name}`;
}

export function chaincodeServerMarker(t: Topology, org: PeerOrg): string {
  return `supervise.js ${chaincodeServerName(org)}-${t.basePort}`;
}

export function chaincodeServerPid(t: Topology, org: PeerOrg): number | undefined {
  return runningPid(paths.pid(t, chaincodeServerName(org)), chaincodeServerMarker(t, org));
}

/** Starts (or restarts) the org's supervised chaincode server for the given package id. */
export async function startChaincodeServer(t: Topology, org: PeerOrg, packageId: string): Promise<number> {
  const name = chaincodeServerName(org);
  await stopProcess(paths.pid(t, name), chaincodeServerMarker(t, org));
  return startProcess({
    name,
    command: process.execPath,
    args: [
      join(t.root, 'dist', 'scripts', 'src', 'network', 'supervise.js'),
      `${name}-${t.basePort}`,
      '--',
      process.execPath,
      join(t.root, 'node_modules', 'fabric-shim', 'cli.js'),
      'server',
      '--chaincode-address',
      `127.0.0.1:${org.chaincodeServerPort}`,
      '--chaincode-id',
      packageId,
      '--module-path',
      join(t.root, 'chaincode'),
    ],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      CORE_CHAINCODE_LOGGING_LEVEL: 'warning',
      CORE_CHAINCODE_LOGGING_SHIM: 'warning',
      ECAR_MSP_ID: org.mspId,
      ECAR_CHANNEL: t.channel,
      ECAR_CHAINCODE: t.chaincode,
      ECAR_CLOCK_SKEW_MS: String(t.clockSkewMs),
      // the server measures the same files at start, so this is the folder its sealing key opens
      ...enclaveEnv(t, org, chaincodeMeasurement(t.root)),
    },
    cwd: t.root,
    logFile: paths.log(t, name),
    pidFile: paths.pid(t, name),
    marker: chaincodeServerMarker(t, org),
  });
}

/** Stops the org's chaincode server; true when one was running. */
export async function stopChaincodeServer(t: Topology, org: PeerOrg): Promise<boolean> {
  return stopProcess(paths.pid(t, chaincodeServerName(org)), chaincodeServerMarker(t, org));
}

/** Waits until the chaincode answers a query through the org's peer. */
export async function waitForChaincode(
  t: Topology,
  fabric: FabricInstall,
  org: PeerOrg,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      await runFabric(
        fabric,
        'peer',
        [
          'chaincode',
          'query',
          '-C',
          t.channel,
          '-n',
          t.chaincode,
          '-c',
          '{"Args":["org.hyperledger.fabric:GetMetadata"]}',
        ],
        peerAdminEnv(t, org),
      );
      return;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) {
      throw new Error(
        `chaincode did not answer through peer0.${org.name} within ${timeoutMs / 1000}s (${last}); see the ccaas.${org.name} and peer0.${org.name} logs`,
      );
    }
    await sleep(500);
  }
}
