// attestationStatus: the report behind `ecar attest status`, read through a gateway and judged with
// the caller's own policy.
import { expect } from 'chai';
import { DEFAULT_POLICY } from '../../../chaincode/src/protocol/attestation';
import { attestationStatus } from '../../../client/src/confidential';
import { toHex } from '../../../chaincode/src/protocol/confidential/encoding';
import { CHAINCODE, confidentialFixture, MEASUREMENT, NOW } from '../../support/confidential-fixture';
import { FakeConfidentialNetwork } from '../../support/fake-confidential-network';

describe('attestationStatus', () => {
  const fixture = confidentialFixture();
  const network = new FakeConfidentialNetwork(fixture, { handler: () => null });
  const now = new Date(NOW.getTime() + 60_000);

  it('reports a trusted set with every enclave, org, measurement, TCB status and the epoch', async () => {
    const report = await attestationStatus({ network, chaincode: CHAINCODE }, fixture.policy, now);
    expect(report.trusted).to.equal(true);
    expect(report.currentEpoch).to.equal(1);
    expect(report.enclaves.map((e) => [e.mspId, e.measurement, e.tcbStatus, e.accepted])).to.deep.equal(
      fixture.registry.map((r) => [r.mspId, r.measurement, 'UpToDate', true]),
    );
    expect(report.expiresAt).to.be.a('string');
  });

  it('reports, without throwing, why the production policy refuses simulated enclaves', async () => {
    const production = { ...DEFAULT_POLICY, measurements: [toHex(MEASUREMENT)] };
    const report = await attestationStatus({ network, chaincode: CHAINCODE }, production, now);
    expect(report.trusted).to.equal(false);
    expect(
      report.enclaves.filter((e) => !(!e.accepted && e.reasons[0]?.includes('simulated'))),
    ).to.deep.equal([]);
    expect(report.failures[0]?.rule).to.equal('simulated');
  });
});
