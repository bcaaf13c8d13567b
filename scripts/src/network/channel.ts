// Creates the application channel (channel participation API, no system channel) and joins peers.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { osnadminArgs, peerAdminEnv } from './admin';
import { runFabric, type FabricInstall } from './fabric-tools';
import { writeConfigtx } from './node-config';
import { paths, type Topology } from './topology';

export function genesisBlockPath(t: Topology): string {
  return join(paths.channelDir(t), `${t.channel}.block`);
}

export async function createGenesisBlock(t: Topology, fabric: FabricInstall): Promise<string> {
  const configDir = writeConfigtx(t);
  const block = genesisBlockPath(t);
  mkdirSync(paths.channelDir(t), { recursive: true });
  await runFabric(
    fabric,
    'configtxgen',
    ['-configPath', configDir, '-profile', 'EcarChannel', '-outputBlock', block, '-channelID', t.channel],
    { FABRIC_CFG_PATH: configDir },
  );
  return block;
}

interface ChannelInfo {
  readonly name: string;
  readonly status: string;
  readonly consensusRelation: string;
  readonly height: number;
}

/** The orderer's view of the channel, or undefined when it has not joined it (HTTP 404). */
export async function ordererChannelInfo(
  t: Topology,
  fabric: FabricInstall,
): Promise<ChannelInfo | undefined> {
  // osnadmin exits 0 whatever the HTTP status; the first line says it ("Status: 404")
  const out = await runFabric(fabric, 'osnadmin', [
    'channel',
    'list',
    '--channelID',
    t.channel,
    ...osnadminArgs(t),
  ]);
  const status = /^Status:\s*(\d+)/m.exec(out)?.[1];
  if (status === '404') return undefined;
  if (status !== '200') throw new Error(`orderer admin API answered ${status ?? 'nothing'}: ${out.trim()}`);
  return JSON.parse(out.slice(out.indexOf('{'))) as ChannelInfo;
}

export async function joinOrderer(t: Topology, fabric: FabricInstall): Promise<void> {
  if ((await ordererChannelInfo(t, fabric)) === undefined) {
    await runFabric(fabric, 'osnadmin', [
      'channel',
      'join',
      '--channelID',
      t.channel,
      '--config-block',
      genesisBlockPath(t),
      ...osnadminArgs(t),
    ]);
  }
  const deadline = Date.now() + 60_000;
  for (;;) {
    const info = await ordererChannelInfo(t, fabric);
    if (info?.status === 'active') return;
    if (Date.now() > deadline) throw new Error(`orderer did not activate channel '${t.channel}' within 60s`);
    await sleep(250);
  }
}

export async function peerChannels(
  t: Topology,
  fabric: FabricInstall,
  org: Topology['orgs'][number],
): Promise<string[]> {
  const out = await runFabric(fabric, 'peer', ['channel', 'list'], peerAdminEnv(t, org));
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('Channels peers has joined'));
}

export async function joinPeers(t: Topology, fabric: FabricInstall): Promise<void> {
  if (!existsSync(genesisBlockPath(t))) throw new Error('genesis block missing: run `down` then `up`');
  for (const org of t.orgs) {
    if ((await peerChannels(t, fabric, org)).includes(t.channel)) continue;
    await runFabric(fabric, 'peer', ['channel', 'join', '-b', genesisBlockPath(t)], peerAdminEnv(t, org));
  }
}
