// registerEnclave: every endorsing enclave verifies the evidence against the ledger's policy at the
// transaction time before the registry record is written.
import { operatorCommitment } from '../../../chaincode/src/protocol/confidential/api';
import { expect } from 'chai';
import type { EnclaveRuntime } from '../../../chaincode/src/enclave/runtime';
import { DEFAULT_POLICY } from '../../../chaincode/src/protocol/attestation';
import type { SimulatedPlatform } from '../../../chaincode/src/enclave/simulated-platform';
import { developmentPolicy } from '../../../chaincode/src/enclave/simulated-platform-file';
import type { EnclaveEvidence } from '../../../chaincode/src/protocol/confidential/api';
import { boxKeyPair } from '../../../chaincode/src/protocol/confidential/primitives';
import { T0 } from '../../support/ledger';
import {
  approveGenesis,
  CHANNEL,
  EnclaveTestNetwork,
  testPlatform,
  testRuntime,
  NOBODY_OPERATOR,
} from '../../support/enclave-harness';
import { ecarRejection } from '../../support/rejection';

const DAY = 86_400_000;

describe('registerEnclave', () => {
  let platform: SimulatedPlatform;
  let enclave: EnclaveRuntime;
  before(() => {
    platform = testPlatform();
    enclave = testRuntime({ platform, mspId: 'Org1MSP' });
  });

  async function networkWith(policy: object): Promise<EnclaveTestNetwork> {
    const network = new EnclaveTestNetwork();
    await approveGenesis(network, [enclave], policy);
    return network;
  }

  function register(
    network: EnclaveTestNetwork,
    evidence: EnclaveEvidence | object,
    options: { mspId?: string; nowMs?: number; channel?: string } = {},
  ): Promise<unknown> {
    return network.submit((tx) => enclave.registerEnclave(tx, JSON.stringify(evidence)), {
      mspId: 'Org1MSP',
      isAdmin: true,
      ...options,
    });
  }

  it('accepts simulated evidence under a policy with allowSimulated and the development root', async () => {
    const network = await networkWith(developmentPolicy(platform));
    const record = await network.submit(
      (tx) => enclave.registerEnclave(tx, JSON.stringify(enclave.enclaveEvidence())),
      { isAdmin: true },
    );
    expect(record).to.include({
      id: enclave.identity.id,
      mspId: 'Org1MSP',
      channel: CHANNEL,
      simulated: true,
      tcbStatus: 'UpToDate',
      registeredAt: T0,
    });
    expect(record.mrSigner).to.equal(Buffer.from(platform.enclaveSigner).toString('hex'));
    const listed = await network.evaluate((tx) => enclave.listEnclaves(tx));
    expect(listed.map((r) => r.id)).to.deep.equal([enclave.identity.id]);
  });

  it('refreshes the record when the same enclave registers again', async () => {
    const network = await networkWith(developmentPolicy(platform));
    await register(network, enclave.enclaveEvidence());
    network.nowMs += DAY;
    await register(network, enclave.enclaveEvidence());
    const listed = await network.evaluate((tx) => enclave.listEnclaves(tx));
    expect(listed).to.have.length(1);
    expect(listed[0]?.registeredAt).to.equal(T0 + DAY);
  });

  it('refuses to set a policy that pins no enclave code, and writes nothing', async () => {
    const network = new EnclaveTestNetwork();
    const error = await ecarRejection(
      network.submit(
        (tx) =>
          enclave.approveGenesis(
            tx,
            JSON.stringify({
              policy: DEFAULT_POLICY,
              operatorCommitment: operatorCommitment(NOBODY_OPERATOR),
            }),
          ),
        { isAdmin: true },
      ),
    );
    expect(error.code).to.equal('INVALID_ARGUMENT');
    expect(error.message).to.contain('pins no enclave code').and.contain('add "measurements"');
    // the policy was not set: registration still finds none
    const registration = await ecarRejection(register(network, enclave.enclaveEvidence()));
    expect(registration.code).to.not.equal('ATTESTATION_POLICY_REJECTED');
  });

  it('refuses simulated evidence under a production policy (pinned signer, simulated not allowed)', async () => {
    const network = await networkWith({ ...developmentPolicy(platform), allowSimulated: false });
    const error = await ecarRejection(register(network, enclave.enclaveEvidence()));
    expect(error.code).to.match(/^ATTESTATION_/);
    expect(error.code).not.to.equal('ATTESTATION_FORMAT_INVALID');
  });

  it('refuses a debug enclave', async () => {
    const network = await networkWith(developmentPolicy(platform));
    const debug = testRuntime({ platform, debug: true });
    const error = await ecarRejection(
      network.submit((tx) => debug.registerEnclave(tx, JSON.stringify(debug.enclaveEvidence())), {
        isAdmin: true,
      }),
    );
    expect(error.code).to.equal('ATTESTATION_POLICY_REJECTED');
    expect(error.details.rule).to.equal('debug');
  });

  it('refuses evidence whose report_data binds other keys', async () => {
    const network = await networkWith(developmentPolicy(platform));
    const swapped = {
      ...enclave.enclaveEvidence(),
      boxPublicKey: Buffer.from(boxKeyPair().publicKey).toString('base64'),
    };
    const error = await ecarRejection(register(network, swapped));
    expect(error.code).to.equal('ATTESTATION_POLICY_REJECTED');
    expect(error.details.rule).to.equal('report-data');
  });

  it('refuses when the transaction time is outside the collateral validity', async () => {
    const network = await networkWith(developmentPolicy(platform));
    const late = await ecarRejection(register(network, enclave.enclaveEvidence(), { nowMs: T0 + 40 * DAY }));
    expect(late.code).to.equal('ATTESTATION_COLLATERAL_EXPIRED');
    const early = await ecarRejection(register(network, enclave.enclaveEvidence(), { nowMs: T0 - 3 * DAY }));
    expect(early.code).to.match(/^ATTESTATION_COLLATERAL_/);
  });

  it('refuses evidence for another channel or chaincode', async () => {
    const network = await networkWith(developmentPolicy(platform));
    const other = await ecarRejection(register(network, enclave.enclaveEvidence(), { channel: 'other' }));
    expect(other.code).to.equal('ATTESTATION_POLICY_REJECTED');
    expect(other.details.rule).to.equal('deployment');
    const chaincode = await ecarRejection(
      register(network, { ...enclave.enclaveEvidence(), chaincode: 'elsewhere' }),
    );
    expect(chaincode.details.rule).to.equal('deployment');
  });

  it('refuses an unknown provider, and a provider that does not match the root', async () => {
    const network = await networkWith(developmentPolicy(platform));
    const unknown = await ecarRejection(
      register(network, { ...enclave.enclaveEvidence(), provider: 'sgx-sdk' }),
    );
    expect(unknown.code).to.equal('ATTESTATION_FORMAT_INVALID');
    const mislabelled = await ecarRejection(
      register(network, { ...enclave.enclaveEvidence(), provider: 'gramine' }),
    );
    expect(mislabelled.code).to.equal('ATTESTATION_POLICY_REJECTED');
    expect(mislabelled.details.rule).to.equal('provider');
  });

  it('refuses an org registering another org’s enclave', async () => {
    const network = await networkWith(developmentPolicy(platform));
    const error = await ecarRejection(register(network, enclave.enclaveEvidence(), { mspId: 'Org2MSP' }));
    expect(error.details.rule).to.equal('org');
  });

  it('needs a policy first (NOT_INITIALIZED)', async () => {
    const error = await ecarRejection(register(new EnclaveTestNetwork(), enclave.enclaveEvidence()));
    expect(error.code).to.equal('NOT_INITIALIZED');
  });

  it('writes nothing when it refuses', async () => {
    const network = await networkWith(developmentPolicy(platform));
    const before = network.ledger.dump();
    await ecarRejection(register(network, { ...enclave.enclaveEvidence(), provider: 'gramine' }));
    expect(network.ledger.dump()).to.equal(before);
  });
});
