// The throw-away network the end-to-end suites share: ports 17xxx, state under .state/test-network,
// created once per mocha run and removed after it (root hooks in test/e2e/hooks.ts).
import { join } from 'node:path';
import { LocalNetwork } from '../../scripts/src/network/network';
import { locateFabric } from '../../scripts/src/network/fabric-tools';
import { makeTopology, type Topology } from '../../scripts/src/network/topology';
import { consoleProgress, silentProgress } from '../../scripts/src/progress';
import { projectRoot } from './testdata';

/** Ports 17xxx unless ECAR_E2E_BASE_PORT moves them (two e2e runs side by side on one machine). */
export const E2E_BASE_PORT = Number.parseInt(process.env.ECAR_E2E_BASE_PORT ?? '17000', 10);
const E2E_STATE_DIR = process.env.ECAR_E2E_STATE_DIR;

export function e2eNetwork(
  options: Readonly<{ basePort?: number; stateDir?: string; quiet?: boolean }> = {},
): LocalNetwork {
  const root = projectRoot();
  const topology: Topology = makeTopology({
    root,
    stateDir: options.stateDir ?? E2E_STATE_DIR ?? join(root, '.state', 'test-network'),
    basePort: options.basePort ?? E2E_BASE_PORT,
  });
  return new LocalNetwork({
    topology,
    fabric: locateFabric(root, process.env.FABRIC_HOME),
    progress: options.quiet === true ? silentProgress : consoleProgress(process.env.ECAR_TEST_QUIET === '1'),
  });
}
