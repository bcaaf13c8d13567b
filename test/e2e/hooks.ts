// Root hooks of the end-to-end run: one fresh network before the first suite, removed after the last.
import { e2eNetwork } from '../support/e2e-network';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(300_000);
    const network = e2eNetwork();
    await network.down();
    await network.up();
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(120_000);
    // ECAR_E2E_KEEP=1 stops the processes but keeps logs and ledgers for a post-mortem
    if (process.env.ECAR_E2E_KEEP === '1') await e2eNetwork().stop();
    else await e2eNetwork().down();
  },
};
