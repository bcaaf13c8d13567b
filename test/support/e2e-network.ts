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
/** The enclaves' skew window on the test network (and the margin on every deadline the tests wait for). */
export const E2E_CLOCK_SKEW_MS = 10_000;

export function e2eNetwork(
  options: Readonly<{ basePort?: number; stateDir?: string; quiet?: boolean }> = {},
): LocalNetwork {
  const root = projectRoot();
  const topology: Topology = makeTopology({
    root,
    stateDir: options.stateDir ?? E2E_STATE_DIR ?? join(root, '.state', 'test-network'),
    basePort: options.basePort ?? E2E_BASE_PORT,
    // every process here shares one clock: a tight window keeps the tests' deadline waits short
    clockSkewMs: E2E_CLOCK_SKEW_MS,
  });
  return new LocalNetwork({
    topology,
    fabric: locateFabric(root, process.env.FABRIC_HOME),
    progress: options.quiet === true ? silentProgress : consoleProgress(process.env.ECAR_TEST_QUIET === '1'),
  });
}
