// The local Fabric test network as one object: up / start / stop / down / deploy / status.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chaincodeMeasurement } from '../../../chaincode/src/protocol/attestation/measurement';
import type { Progress } from '../progress';
import { createGenesisBlock, joinOrderer, joinPeers } from './channel';
import {
  approveAndCommit,
  chaincodeBundle,
  chaincodeServerName,
  chaincodeServerPid,
  installPackage,
  queryCommitted,
  startChaincodeServer,
  stopChaincodeServer,
  waitForChaincode,
  writeCcaasPackage,
} from './chaincode';
import {
  admitBuild,
  ensureDevelopmentPlatform,
  provisionConfidential,
  retireOtherBuilds,
} from './confidential-setup';
import type { ProvisionReport } from '../../../client/src/confidential';
import { ensureEnclaveFolders } from './enclave-setup';
import { ensureRoleWallets, ROLES, walletPaths, writeRoleProfiles } from './roles';
import { runFabric, type FabricInstall } from './fabric-tools';
import { gossipPeersKnown, healthz, isRaftLeader, waitFor } from './health';
import { writeOrdererConfig, writePeerConfig } from './node-config';
import { describeHolder, isPortFree, portHolder } from './port-check';
import { residentKiB, runningPid, startProcess, stopProcess, type ProcessSpec } from './processes';
import { allPorts, paths, type PeerOrg, type Topology } from './topology';

/** What the network folder remembers between commands (network.json). */
export interface NetworkRecord {
  readonly basePort: number;
  readonly channel: string;
  readonly chaincodeName: string;
  readonly createdAt: string;
  readonly channelReady: boolean;
  /** An upgrade admitted a build whose predecessors are not retired yet (set until the retirement ran). */
  readonly retirementPending?: boolean;
  readonly chaincode?: {
    readonly version: string;
    readonly sequence: number;
    readonly bundleHash: string;
    readonly packageIds: Readonly<Record<string, string>>;
  };
}

export interface NodeStatus {
  readonly name: string;
  readonly running: boolean;
  readonly pid?: number;
  readonly healthy?: boolean;
  readonly rssKiB?: number;
  readonly ports: readonly number[];
  readonly log: string;
}

export interface NetworkStatus {
  readonly state: 'running' | 'stopped' | 'partial' | 'absent';
  readonly stateDir: string;
  readonly channel: string;
  readonly chaincode?: NetworkRecord['chaincode'];
  readonly nodes: readonly NodeStatus[];
}

export interface DeployResult {
  readonly version: string;
  readonly sequence: number;
  readonly upgraded: boolean;
  readonly packageIds: Readonly<Record<string, string>>;
  /** Current key epoch and each org's attested enclave id after provisioning. */
  readonly confidential: { readonly epoch: number; readonly enclaves: Readonly<Record<string, string>> };
}

export class LocalNetwork {
  readonly #t: Topology;
  readonly #fabric: FabricInstall;
  readonly #progress: Progress;

  constructor(options: Readonly<{ topology: Topology; fabric: FabricInstall; progress: Progress }>) {
    this.#t = options.topology;
    this.#fabric = options.fabric;
    this.#progress = options.progress;
  }

  get topology(): Topology {
    return this.#t;
  }

  /** Creates the network, or resumes a stopped one; a no-op when it already runs. */
  async up(): Promise<{ alreadyRunning: boolean; status: NetworkStatus; deploy?: DeployResult }> {
    const record = this.readRecord();
    if (record?.channelReady === true && record.chaincode && this.status().state === 'running') {
      this.#progress.step('Network is already running');
      return { alreadyRunning: true, status: this.status() };
    }
    try {
      if (record?.channelReady === true) {
        await this.start();
      } else {
        await this.create();
      }
      const deploy = await this.deploy();
      return { alreadyRunning: false, status: this.status(), deploy };
    } catch (error) {
      this.#progress.step('Start-up failed: stopping what was started (files kept for the logs)');
      await this.stopAll();
      throw error;
    }
  }

  async #checkPorts(skip: ReadonlySet<number>): Promise<void> {
    const busy: string[] = [];
    for (const { port, owner } of allPorts(this.#t)) {
      if (skip.has(port)) continue;
      if (!(await isPortFree(port))) busy.push(`${describeHolder(portHolder(port))}; needed by ${owner}`);
    }
    if (busy.length > 0) {
      throw new Error(
        `${busy.join('; ')}. Stop that process, or use another port range (--base-port / ECAR_BASE_PORT).`,
      );
    }
  }

  private async create(): Promise<void> {
    const t = this.#t;
    if (existsSync(t.stateDir)) {
      this.#progress.step('Removing a half-created network');
      await this.down();
    }
    this.#progress.step(`Checking that ports ${t.basePort}+ are free on 127.0.0.1`);
    await this.#checkPorts(new Set());
    mkdirSync(t.stateDir, { recursive: true });
    ensureEnclaveFolders(t);
    this.#progress.step('Creating the development attestation platform (simulated SGX, NOT for production)');
    ensureDevelopmentPlatform(t);
    this.#progress.step('Generating crypto material (cryptogen: NodeOUs, TLS SANs 127.0.0.1/localhost)');
    await runFabric(this.#fabric, 'cryptogen', [
      'generate',
      '--config',
      join(t.root, 'network', 'crypto-config.yaml'),
      '--output',
      paths.crypto(t),
    ]);
    this.#progress.step('Writing node configuration from Fabric sampleconfig');
    writeOrdererConfig(t, this.#fabric);
    for (const org of t.orgs) writePeerConfig(t, this.#fabric, org);
    this.writeRecord({
      basePort: t.basePort,
      channel: t.channel,
      chaincodeName: t.chaincode,
      createdAt: new Date().toISOString(),
      channelReady: false,
    });
    await this.startFabricNodes();
    this.#progress.step(`Creating channel '${t.channel}' (etcdraft, channel participation)`);
    await createGenesisBlock(t, this.#fabric);
    await joinOrderer(t, this.#fabric);
    await this.waitForRaftLeader();
    this.#progress.step('Joining peer0.org1 and peer0.org2 to the channel');
    await joinPeers(t, this.#fabric);
    const record = this.readRecord();
    if (record) this.writeRecord({ ...record, channelReady: true });
  }

  /** Starts every stopped process of an existing network; committed data is kept. */
  async start(): Promise<NetworkStatus> {
    const record = this.readRecord();
    if (record?.channelReady !== true) throw new Error('no network here yet: run `up` first');
    ensureEnclaveFolders(this.#t);
    ensureDevelopmentPlatform(this.#t);
    await this.startFabricNodes();
    await this.waitForRaftLeader();
    await this.startChaincodeServers(record);
    await this.waitForGossip();
    return this.status();
  }

  private async startFabricNodes(): Promise<void> {
    const specs = this.fabricNodeSpecs();
    const running = new Set<number>();
    for (const node of this.status().nodes) if (node.running) node.ports.forEach((p) => running.add(p));
    await this.#checkPorts(running);
    for (const spec of specs) {
      if (runningPid(spec.pidFile, spec.marker) !== undefined) continue;
      this.#progress.step(`Starting ${spec.name}`);
      startProcess(spec);
    }
    const t = this.#t;
    const health = [
      { name: 'orderer', port: t.orderer.operationsPort },
      ...t.orgs.map((o) => ({ name: `peer0.${o.name}`, port: o.peerOperationsPort })),
    ];
    for (const { name, port } of health) {
      await waitFor(name, () => healthz(port), 60_000, `see its log: ${paths.log(t, name)}`);
      this.#progress.detail(`${name} healthy (operations :${port}/healthz)`);
    }
  }

  private async waitForRaftLeader(): Promise<void> {
    const t = this.#t;
    await waitFor(
      `Raft leader for channel '${t.channel}'`,
      () => isRaftLeader(t.orderer.operationsPort, t.channel),
      60_000,
      `see the orderer log: ${paths.log(t, 'orderer')}`,
    );
    this.#progress.detail(`orderer leads channel '${t.channel}' (etcdraft)`);
  }

  /** Gateway discovery needs every peer to know the other org's peer before multi-org endorsement. */
  private async waitForGossip(): Promise<void> {
    const t = this.#t;
    const others = t.orgs.length - 1;
    for (const org of t.orgs) {
      await waitFor(
        `gossip membership of peer0.${org.name}`,
        async () => (await gossipPeersKnown(org.peerOperationsPort, t.channel)) >= others,
        90_000,
        `see its log: ${paths.log(t, `peer0.${org.name}`)}`,
      );
    }
    this.#progress.detail('peers see each other through gossip (discovery ready)');
  }

  private async startChaincodeServers(record: NetworkRecord): Promise<void> {
    if (!record.chaincode) return;
    if (chaincodeMeasurement(this.#t.root) !== record.chaincode.bundleHash) {
      // the servers run the built code; its enclaves are sealed to its own measurement
      this.#progress.step(
        'WARNING: the chaincode was rebuilt since the last deploy: its enclaves start with new identities and no keys, and no running build can share them; restore the deployed build, or recreate the network (down, up)',
      );
    }
    for (const org of this.#t.orgs) {
      const packageId = record.chaincode.packageIds[org.name];
      if (packageId === undefined || chaincodeServerPid(this.#t, org) !== undefined) continue;
      this.#progress.step(`Starting chaincode server ${chaincodeServerName(org)}`);
      await startChaincodeServer(this.#t, org, packageId);
    }
    for (const org of this.#t.orgs) await waitForChaincode(this.#t, this.#fabric, org);
  }

  /** Installs and commits the current chaincode build; upgrades (next sequence) when it changed. */
  async deploy(): Promise<DeployResult> {
    const t = this.#t;
    const record = this.readRecord();
    if (record?.channelReady !== true) throw new Error('no network here yet: run `up` first');
    const bundle = chaincodeBundle(t.root);
    this.#progress.step(
      `Deploying chaincode '${t.chaincode}' version ${bundle.version} (chaincode as a service)`,
    );
    const packageIds = await this.installEverywhere(bundle);
    const first = t.orgs[0] as PeerOrg;
    const committed = await queryCommitted(t, this.#fabric, first);
    let sequence = committed?.sequence ?? 0;
    const upgraded = committed?.version !== bundle.version;
    // sealing is bound to the measurement: the new build's enclaves get the keys from the running
    // build's enclaves (attested sharing) before the lifecycle switches, never from its sealed files
    const handover = upgraded && committed !== undefined && record.chaincode !== undefined;
    if (handover) {
      this.#progress.step(
        `Admitting build ${bundle.hash.slice(0, 12)}… while the running build still serves`,
      );
      await admitBuild(t, bundle.hash, this.#progress);
      // remembered, so a deploy interrupted after the switch still retires the old build next time
      this.writeRecord({ ...record, retirementPending: true });
    }
    await this.startChangedServers(record, packageIds);
    if (upgraded) {
      sequence += 1;
      this.#progress.detail(
        committed
          ? `upgrading from ${committed.version} to sequence ${sequence}`
          : 'first definition, sequence 1',
      );
      await approveAndCommit(t, this.#fabric, bundle, packageIds, sequence);
      this.#progress.detail(`approved by ${t.orgs.map((o) => o.mspId).join(' and ')}, committed`);
    } else {
      this.#progress.detail(`version ${bundle.version} is already committed (sequence ${sequence})`);
    }
    for (const org of t.orgs) await waitForChaincode(t, this.#fabric, org);
    this.#progress.detail('chaincode answers through both peers');
    await this.waitForGossip();
    const provisioned = await this.provision(bundle.hash, handover || record.retirementPending === true);
    this.#progress.detail(
      `key epoch ${provisioned.epoch}; enclaves ${Object.entries(provisioned.enclaves)
        .map(([msp, id]) => `${msp} ${id.slice(0, 12)}…`)
        .join(', ')} attested and vouching`,
    );
    await ensureRoleWallets(t);
    writeRoleProfiles(t);
    this.#progress.detail(`ecar CLI profiles for ${ROLES.join(', ')} in ${walletPaths.ecarHome(t)}`);
    this.writeRecord({
      ...record,
      retirementPending: false,
      chaincode: { version: bundle.version, sequence, bundleHash: bundle.hash, packageIds },
    });
    return {
      version: bundle.version,
      sequence,
      upgraded,
      packageIds,
      confidential: { epoch: provisioned.epoch, enclaves: provisioned.enclaves },
    };
  }

  /** Packages the build for every org and installs it on its peer: the package id per org. */
  private async installEverywhere(
    bundle: ReturnType<typeof chaincodeBundle>,
  ): Promise<Record<string, string>> {
    const packageIds: Record<string, string> = {};
    for (const org of this.#t.orgs) {
      const pkg = writeCcaasPackage(this.#t, org, bundle);
      packageIds[org.name] = await installPackage(this.#t, this.#fabric, org, pkg);
      this.#progress.detail(`installed on peer0.${org.name}: ${packageIds[org.name] ?? ''}`);
    }
    return packageIds;
  }

  /** (Re)starts the chaincode server of every org whose package changed or whose server is down. */
  private async startChangedServers(
    record: NetworkRecord,
    packageIds: Readonly<Record<string, string>>,
  ): Promise<void> {
    for (const org of this.#t.orgs) {
      const packageId = packageIds[org.name] ?? '';
      const sameServer = record.chaincode?.packageIds[org.name] === packageId;
      if (!sameServer || chaincodeServerPid(this.#t, org) === undefined) {
        this.#progress.detail(
          `starting chaincode server ${chaincodeServerName(org)} on 127.0.0.1:${org.chaincodeServerPort}`,
        );
        await startChaincodeServer(this.#t, org, packageId);
      }
    }
  }

  /** Attestation, keys and vouchers; then, after an upgrade, the previous build retired. */
  private async provision(bundleHash: string, retire: boolean): Promise<ProvisionReport> {
    this.#progress.step('Provisioning confidential execution: enclave attestation, chaincode keys, vouchers');
    const provisioned = await provisionConfidential(this.#t, this.#progress);
    if (!retire) return provisioned;
    this.#progress.step('Retiring the previous build: policy without its measurement, key rotation');
    return (await retireOtherBuilds(this.#t, bundleHash, this.#progress)) ?? provisioned;
  }

  /** Stops every process; the ledger and crypto stay, so `start` resumes. */
  async stop(): Promise<void> {
    await this.stopAll();
  }

  private async stopAll(): Promise<void> {
    for (const org of this.#t.orgs) {
      if (await stopChaincodeServer(this.#t, org))
        this.#progress.detail(`stopped ${chaincodeServerName(org)}`);
    }
    for (const spec of [...this.fabricNodeSpecs()].reverse()) {
      if (await stopProcess(spec.pidFile, spec.marker)) this.#progress.detail(`stopped ${spec.name}`);
    }
    await this.waitForPortsReleased();
  }

  /**
   * A stopped node's sockets close when its last thread is gone, which on a busy machine can trail
   * the process itself: wait (bounded) until every port of the network can be bound again, so a
   * `start` right after `stop` never meets its own ports in use. Ports still held are reported.
   */
  private async waitForPortsReleased(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const { port, owner } of allPorts(this.#t)) {
      while (!(await isPortFree(port)) && Date.now() < deadline) await sleep(100);
      if (!(await isPortFree(port))) this.#progress.detail(`${describeHolder(portHolder(port))} (${owner})`);
    }
  }

  /** Stops everything and removes the state folder. */
  async down(): Promise<void> {
    await this.stopAll();
    rmSync(this.#t.stateDir, { recursive: true, force: true });
  }

  status(): NetworkStatus {
    const t = this.#t;
    const record = this.readRecord();
    const nodes: NodeStatus[] = [
      ...this.fabricNodeSpecs().map((spec) => {
        const pid = runningPid(spec.pidFile, spec.marker);
        return this.nodeStatus(spec.name, pid, this.portsOf(spec.name));
      }),
      ...t.orgs.map((org) => {
        const name = chaincodeServerName(org);
        return this.nodeStatus(name, chaincodeServerPid(t, org), [org.chaincodeServerPort]);
      }),
    ];
    const running = nodes.filter((n) => n.running).length;
    const state =
      record === undefined
        ? 'absent'
        : running === 0
          ? 'stopped'
          : running === nodes.length
            ? 'running'
            : 'partial';
    return { state, stateDir: t.stateDir, channel: t.channel, chaincode: record?.chaincode, nodes };
  }

  private nodeStatus(name: string, pid: number | undefined, ports: readonly number[]): NodeStatus {
    const log = paths.log(this.#t, name);
    return pid === undefined
      ? { name, running: false, ports, log }
      : { name, running: true, pid, rssKiB: residentKiB(pid), ports, log };
  }

  private portsOf(name: string): number[] {
    const t = this.#t;
    if (name === 'orderer') return [t.orderer.port, t.orderer.adminPort, t.orderer.operationsPort];
    const org = t.orgs.find((o) => name === `peer0.${o.name}`);
    return org ? [org.peerPort, org.peerChaincodePort, org.peerOperationsPort] : [];
  }

  private fabricNodeSpecs(): ProcessSpec[] {
    const t = this.#t;
    const env = (configDir: string) => ({
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      FABRIC_CFG_PATH: configDir,
      FABRIC_LOGGING_SPEC: 'info',
    });
    const orderer: ProcessSpec = {
      name: 'orderer',
      command: join(this.#fabric.binDir, 'orderer'),
      args: [],
      env: env(paths.config(t, 'orderer')),
      cwd: t.stateDir,
      logFile: paths.log(t, 'orderer'),
      pidFile: paths.pid(t, 'orderer'),
      marker: join(this.#fabric.binDir, 'orderer'),
    };
    const peers = t.orgs.map((org): ProcessSpec => ({
      name: `peer0.${org.name}`,
      command: join(this.#fabric.binDir, 'peer'),
      args: ['node', 'start'],
      env: env(paths.config(t, `peer0.${org.name}`)),
      cwd: t.stateDir,
      logFile: paths.log(t, `peer0.${org.name}`),
      pidFile: paths.pid(t, `peer0.${org.name}`),
      marker: `${join(this.#fabric.binDir, 'peer')} node start`,
    }));
    return [orderer, ...peers];
  }

  readRecord(): NetworkRecord | undefined {
    const file = paths.record(this.#t);
    if (!existsSync(file)) return undefined;
    return JSON.parse(readFileSync(file, 'utf8')) as NetworkRecord;
  }

  private writeRecord(record: NetworkRecord): void {
    mkdirSync(this.#t.stateDir, { recursive: true });
    writeFileSync(paths.record(this.#t), `${JSON.stringify(record, null, 2)}\n`);
  }
}
