// Reads the channel's blocks as a peer operator would (peer CLI, org admin): the raw bytes peers
// and orderers store, for checking that nothing confidential is in them.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { peerAdminEnv } from './admin';
import { runFabric, type FabricInstall } from './fabric-tools';
import type { PeerOrg, Topology } from './topology';

export async function channelHeight(t: Topology, fabric: FabricInstall, org: PeerOrg): Promise<number> {
  const out = await runFabric(fabric, 'peer', ['channel', 'getinfo', '-c', t.channel], peerAdminEnv(t, org));
  const json = out.slice(out.indexOf('{'));
  return (JSON.parse(json) as { height: number }).height;
}

/** Every block of the channel, as stored, fetched through the org's peer. */
export async function fetchAllBlocks(
  t: Topology,
  fabric: FabricInstall,
  org: PeerOrg,
): Promise<Uint8Array[]> {
  const height = await channelHeight(t, fabric, org);
  const dir = mkdtempSync(join(tmpdir(), 'ecar-blocks-'));
  try {
    const blocks: Uint8Array[] = [];
    for (let n = 0; n < height; n++) {
      const file = join(dir, `${n}.block`);
      await runFabric(
        fabric,
        'peer',
        ['channel', 'fetch', String(n), file, '-c', t.channel],
        peerAdminEnv(t, org),
      );
      blocks.push(new Uint8Array(readFileSync(file)));
    }
    return blocks;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Which of the needles (as UTF-8, and as their base64 when long enough) occur in which block. */
export function findInBlocks(
  blocks: readonly Uint8Array[],
  needles: readonly string[],
): { needle: string; block: number }[] {
  const found: { needle: string; block: number }[] = [];
  blocks.forEach((block, index) => {
    const haystack = Buffer.from(block);
    for (const needle of needles) {
      const forms = [Buffer.from(needle, 'utf8')];
      if (needle.length >= 12)
        forms.push(Buffer.from(Buffer.from(needle, 'utf8').toString('base64').slice(0, -4)));
      if (forms.some((form) => haystack.includes(form))) found.push({ needle, block: index });
    }
  });
  return found;
}
