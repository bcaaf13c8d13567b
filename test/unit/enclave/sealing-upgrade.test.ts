// Sealing to the measurement (MRENCLAVE): another build signed by the same org cannot unseal an
// enclave's identity or chaincode keys; an upgraded build gets the keys only through attested sharing.
import { expect } from 'chai';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { IDENTITY_FILE } from '../../../chaincode/src/enclave/identity';
import { KEYS_FILE } from '../../../chaincode/src/enclave/key-manager';
import type { EnclaveRuntime } from '../../../chaincode/src/enclave/runtime';
import { SealedFiles, SealError, simulatedSealer } from '../../../chaincode/src/enclave/sealing';
import type { SimulatedPlatform } from '../../../chaincode/src/enclave/simulated-platform';
import type { KeyRecord } from '../../../chaincode/src/protocol/confidential/key-record';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import { ISSUER, paramsArgs } from '../../support/builders';
import {
  CPU_SECRET,
  EnclaveTestNetwork,
  MEASUREMENT,
  newEnclaveDir,
  openAnswer,
  provision,
  testPlatform,
  testRuntime,
  TestWallet,
} from '../../support/enclave-harness';

/** The next build: same development signer (the platform's), another MRENCLAVE. */
const UPGRADED = new Uint8Array(32).fill(0x6b);

function sealError(run: () => unknown): SealError {
  try {
    run();
  } catch (error) {
    if (error instanceof SealError) return error;
    throw error;
  }
  throw new Error('expected a SealError');
}

describe('MRENCLAVE sealing', () => {
  let platform: SimulatedPlatform;
  let network: EnclaveTestNetwork;
  let org1: EnclaveRuntime;
  let org2: EnclaveRuntime;
  let record: KeyRecord;
  let operator: TestWallet;
  const dirs: string[] = [];

  before(async () => {
    platform = testPlatform();
    network = new EnclaveTestNetwork();
    dirs.push(newEnclaveDir(), newEnclaveDir(), newEnclaveDir());
    org1 = testRuntime({ platform, mspId: 'Org1MSP', dir: dirs[0] });
    org2 = testRuntime({ platform, mspId: 'Org2MSP', dir: dirs[1] });
    operator = new TestWallet();
    record = await provision(network, platform, [org1, org2], operator.callerId);
    const init = operator.request(record, 'initialize', { ...paramsArgs(), issuer: ISSUER });
    await network.submit((tx) => org1.run(tx, 'submit', init.envelope));
  });
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  describe('a restart of the same build', () => {
    it('unseals the identity and the held keys', () => {
      const restarted = testRuntime({ platform, mspId: 'Org1MSP', dir: dirs[0] });
      expect(restarted.identity.id).to.equal(org1.identity.id);
      expect(restarted.keys.heldEpochs).to.deep.equal([1]);
    });
  });

  describe('another build signed by the same signer on the same CPU', () => {
    it('throws SealError for the identity and changes no sealed file', () => {
      const identityBefore = readFileSync(join(dirs[0] as string, IDENTITY_FILE));
      const keysBefore = readFileSync(join(dirs[0] as string, KEYS_FILE));
      const error = sealError(() =>
        testRuntime({ platform, mspId: 'Org1MSP', dir: dirs[0], measurement: UPGRADED }),
      );
      expect(error.label).to.equal(IDENTITY_FILE);
      expect(error.code).to.equal('INTERNAL');
      expect(readFileSync(join(dirs[0] as string, IDENTITY_FILE))).to.deep.equal(identityBefore);
      expect(readFileSync(join(dirs[0] as string, KEYS_FILE))).to.deep.equal(keysBefore);
    });

    it('throws SealError for the chaincode key bundle, while the same measurement opens it', () => {
      const other = new SealedFiles(dirs[0] as string, simulatedSealer(CPU_SECRET, UPGRADED));
      expect(sealError(() => other.read(KEYS_FILE)).label).to.equal(KEYS_FILE);
      const same = new SealedFiles(dirs[0] as string, simulatedSealer(CPU_SECRET, MEASUREMENT));
      expect(same.read(KEYS_FILE)).to.be.instanceOf(Uint8Array);
    });
  });

  describe('an upgraded build in its own folder', () => {
    let upgraded: EnclaveRuntime;
    before(() => {
      upgraded = testRuntime({ platform, mspId: 'Org1MSP', dir: dirs[2], measurement: UPGRADED });
    });

    it('starts with a new identity and no keys', () => {
      expect(upgraded.identity.id).to.not.equal(org1.identity.id);
      expect(upgraded.keys.heldEpochs).to.deep.equal([]);
    });

    it('receives the keys only through attested sharing, then reads the state', async () => {
      await network.submit((tx) => upgraded.registerEnclave(tx, JSON.stringify(upgraded.enclaveEvidence())), {
        mspId: 'Org1MSP',
        isAdmin: true,
      });
      const read = operator.request(record, 'getParams', {});
      const refused = await network
        .evaluate((tx) => upgraded.run(tx, 'evaluate', read.envelope))
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(refused).to.be.instanceOf(EcarError);
      expect((refused as EcarError).code).to.equal('KEYS_UNAVAILABLE');
      expect(upgraded.keys.heldEpochs).to.deep.equal([]);

      // the recorded share: a submit by an org admin that writes the wrap itself
      await network.submit((tx) => org2.shareKeys(tx, JSON.stringify([upgraded.identity.id])), {
        mspId: 'Org2MSP',
        isAdmin: true,
      });
      const again = operator.request(record, 'getParams', {});
      const txId = network.nextTxId();
      const answer = await network.evaluate((tx) => upgraded.run(tx, 'evaluate', again.envelope), { txId });
      const payload = openAnswer(answer, again.secrets, txId, record);
      expect(payload.ok && (payload.result as { issuer: string }).issuer).to.equal(ISSUER);
      expect(upgraded.keys.heldEpochs).to.deep.equal([1]);
    });
  });
});
