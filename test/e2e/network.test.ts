// The local Fabric network end to end: two-org endorsement, events, restart, upgrade, teardown.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { openGateway, type GatewayConnection } from '../../client/src/fabric/gateway-connection';
import { proveHeartbeat } from '../../scripts/src/demo/heartbeat';
import { localIdentity } from '../../scripts/src/network/identities';
import { isPortFree } from '../../scripts/src/network/port-check';
import { isAlive } from '../../scripts/src/network/processes';
import { allPorts } from '../../scripts/src/network/topology';
import { E2E_BASE_PORT, e2eNetwork } from '../support/e2e-network';
import { projectRoot } from '../support/testdata';
import { rejectionOf } from '../support/rejection';

const decoder = new TextDecoder();

describe('LocalNetwork (real Fabric 2.5 peers, orderer and chaincode servers)', () => {
  const network = e2eNetwork();
  const t = network.topology;
  let connection: GatewayConnection;
  let firstHeartbeat: string;

  before(() => {
    connection = openGateway(localIdentity(t, 'org1', 'User1'));
  });
  after(() => {
    connection.close();
  });

  function heartbeatContract(c: GatewayConnection) {
    return c.gateway.getNetwork(t.channel).getContract(t.chaincode, 'heartbeat');
  }

  describe('up', () => {
    it('runs the orderer, both peers and both chaincode servers on loopback ports', () => {
      const status = network.status();
      expect(status.state).to.equal('running');
      expect(status.nodes.map((n) => n.name)).to.have.members([
        'orderer',
        'peer0.org1',
        'peer0.org2',
        'ccaas.org1',
        'ccaas.org2',
      ]);
      expect(status.chaincode?.version).to.match(/^\d+\.\d+\.\d+-[0-9a-f]{12}$/);
    });

    it('is a no-op that reports the running network when called again', async () => {
      const pids = network.status().nodes.map((n) => n.pid);
      const result = await network.up();
      expect(result.alreadyRunning).to.equal(true);
      expect(result.status.nodes.map((n) => n.pid)).to.deep.equal(pids);
    });
  });

  describe('a transaction', () => {
    it('is endorsed by both orgs, committed, read back, and its chaincode event arrives', async () => {
      const proof = await proveHeartbeat(connection.gateway, { channel: t.channel, chaincode: t.chaincode });
      expect(proof.validation).to.equal('VALID');
      expect(proof.endorsers).to.deep.equal(['Org1MSP', 'Org2MSP']);
      expect(proof.readBack.txId).to.equal(proof.txId);
      expect(proof.readBack.submitter).to.equal('Org1MSP');
      expect(proof.event).to.deep.equal({
        name: 'HeartbeatRecorded',
        txId: proof.txId,
        blockNumber: proof.blockNumber,
      });
      firstHeartbeat = proof.id;
    });

    it('submitted by the other org is endorsed by both orgs as well', async () => {
      const org2 = openGateway(localIdentity(t, 'org2', 'User1'));
      try {
        const proof = await proveHeartbeat(org2.gateway, { channel: t.channel, chaincode: t.chaincode });
        expect(proof.endorsers).to.deep.equal(['Org1MSP', 'Org2MSP']);
        expect(proof.readBack.submitter).to.equal('Org2MSP');
      } finally {
        org2.close();
      }
    });

    it('with a malformed argument is refused with INVALID_ARGUMENT', async () => {
      const error = await rejectionOf(
        heartbeatContract(connection).evaluateTransaction('read', 'not a valid id!'),
      );
      expect(error).to.be.instanceOf(Error);
      const details = JSON.stringify(error, Object.getOwnPropertyNames(error));
      expect(details).to.include('INVALID_ARGUMENT');
    });
  });

  describe('stop and start', () => {
    it('stop ends every process and frees every port', async () => {
      const pids = network.status().nodes.flatMap((n) => (n.pid === undefined ? [] : [n.pid]));
      await network.stop();
      expect(network.status().state).to.equal('stopped');
      for (const pid of pids) expect(isAlive(pid), `pid ${pid}`).to.equal(false);
      for (const { port } of allPorts(t)) expect(await isPortFree(port), `port ${port}`).to.equal(true);
    });

    it('start resumes with all committed data', async () => {
      await network.start();
      expect(network.status().state).to.equal('running');
      connection.close();
      connection = openGateway(localIdentity(t, 'org1', 'User1'));
      const value = JSON.parse(
        decoder.decode(await heartbeatContract(connection).evaluateTransaction('read', firstHeartbeat)),
      ) as {
        id: string;
      };
      expect(value.id).to.equal(firstHeartbeat);
    });
  });

  describe('chaincode servers', () => {
    it('are restarted by their supervisor when they crash', async () => {
      const org = t.orgs[0]!;
      const supervisor = network.status().nodes.find((n) => n.name === `ccaas.${org.name}`)?.pid;
      expect(supervisor).to.be.a('number');
      const childOf = (pid: number): number | undefined => {
        const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
        const child = Number.parseInt(text.split(/\s+/)[0] ?? '', 10);
        return Number.isInteger(child) ? child : undefined;
      };
      const crashed = childOf(supervisor!);
      expect(crashed).to.be.a('number');
      process.kill(crashed!, 'SIGKILL');
      const deadline = Date.now() + 60_000;
      let restarted: number | undefined;
      while (Date.now() < deadline && (restarted === undefined || restarted === crashed)) {
        await sleep(100);
        restarted = childOf(supervisor!);
      }
      expect(restarted).to.be.a('number').and.not.equal(crashed);
      // the restarted server registers with the peer again; a two-org transaction then succeeds
      let lastError: unknown;
      while (Date.now() < deadline) {
        try {
          const proof = await proveHeartbeat(connection.gateway, {
            channel: t.channel,
            chaincode: t.chaincode,
          });
          expect(proof.endorsers).to.deep.equal(['Org1MSP', 'Org2MSP']);
          return;
        } catch (error) {
          lastError = error;
          await sleep(500);
        }
      }
      throw lastError instanceof Error ? lastError : new Error('no transaction succeeded after the restart');
    });
  });

  describe('deploy', () => {
    const marker = join(projectRoot(), 'dist', 'chaincode', 'e2e-upgrade-marker.txt');
    after(() => {
      rmSync(marker, { force: true });
    });

    it('is a no-op for an unchanged chaincode build', async () => {
      const before = network.status().chaincode;
      const result = await network.deploy();
      expect(result.upgraded).to.equal(false);
      expect(result.sequence).to.equal(before?.sequence);
    });

    it('upgrades a changed chaincode build to the next sequence and keeps the state', async () => {
      const before = network.status().chaincode!;
      writeFileSync(marker, `changed ${Date.now()}\n`);
      const result = await network.deploy();
      expect(result.upgraded).to.equal(true);
      expect(result.sequence).to.equal(before.sequence + 1);
      expect(result.version).to.not.equal(before.version);
      const value = JSON.parse(
        decoder.decode(await heartbeatContract(connection).evaluateTransaction('read', firstHeartbeat)),
      ) as {
        id: string;
      };
      expect(value.id).to.equal(firstHeartbeat);
      const proof = await proveHeartbeat(connection.gateway, { channel: t.channel, chaincode: t.chaincode });
      expect(proof.validation).to.equal('VALID');
    });
  });

  describe('port conflicts', () => {
    let blocker: Server | undefined;
    const stateDir = mkdtempSync(join(tmpdir(), 'ecar-portcheck-'));
    after(async () => {
      await new Promise<void>((done) => {
        if (blocker)
          blocker.close(() => {
            done();
          });
        else done();
      });
      rmSync(stateDir, { recursive: true, force: true });
    });

    it('names the port and the process that holds it, and starts nothing', async () => {
      const other = e2eNetwork({ basePort: E2E_BASE_PORT + 1000, stateDir, quiet: true });
      const port = other.topology.orderer.port;
      blocker = createServer();
      await new Promise<void>((done) => blocker!.listen(port, '127.0.0.1', done));
      const error = (await rejectionOf(other.up())) as Error;
      expect(error.message).to.match(new RegExp(`port ${port} is in use by pid ${process.pid}\\b`));
      expect(other.status().nodes.filter((n) => n.running)).to.deep.equal([]);
      await other.down();
      expect(existsSync(stateDir)).to.equal(false);
    });
  });

  describe('down', () => {
    it('removes the network and leaves no listener on its ports', async () => {
      const pids = network.status().nodes.flatMap((n) => (n.pid === undefined ? [] : [n.pid]));
      await network.down();
      expect(existsSync(t.stateDir)).to.equal(false);
      for (const pid of pids) expect(isAlive(pid), `pid ${pid}`).to.equal(false);
      for (const { port } of allPorts(t)) expect(await isPortFree(port), `port ${port}`).to.equal(true);
    });
  });
});
