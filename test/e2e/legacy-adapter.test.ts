// The legacy fabric-network 2.2 adapter on the real network: a write through LegacyConfidentialContract
// (Org1 identity) read back by the fabric-gateway ConfidentialLedgerClient (Org2 identity), and the
// reverse; both clients attest the same enclave set and speak the same envelope.
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Committer, Endorser, IdentityContext } from 'fabric-common';
import type { Network as ModernNetwork } from '@hyperledger/fabric-gateway';
import type { Gateway, Network as LegacyFabricNetwork } from 'fabric-network';
import type { JsonObject, JsonValue } from '../../chaincode/src/protocol/json';
import {
  developmentPolicy,
  loadDevelopmentPlatform,
} from '../../chaincode/src/enclave/simulated-platform-file';
import type { AttestationPolicy } from '../../chaincode/src/protocol/attestation';
import { Confidential, CONFIDENTIAL_CONTRACT } from '../../chaincode/src/protocol/confidential/api';
import { signingKeyPair } from '../../chaincode/src/protocol/confidential/primitives';
import { EcarError } from '../../chaincode/src/protocol/errors';
import { ConfidentialLedgerClient } from '../../client/src/confidential/confidential-client';
import { parseKeyStatus } from '../../client/src/confidential/records';
import { openGateway, type GatewayConnection } from '../../client/src/fabric/gateway-connection';
import { decodeResult } from '../../client/src/fabric/ledger-client';
import { LegacyConfidentialContract } from '../../client/src/legacy/legacy-confidential-contract';
import { connectLegacyGateway } from '../../client/src/legacy/legacy-gateway';
import { provisionConfidential } from '../../scripts/src/network/confidential-setup';
import { enclavePaths } from '../../scripts/src/network/enclave-setup';
import { localIdentity } from '../../scripts/src/network/identities';
import type { Topology } from '../../scripts/src/network/topology';
import { paramsArgs, stationArgs } from '../support/builders';
import { silentProgress } from '../../scripts/src/progress';
import { e2eNetwork } from '../support/e2e-network';
import { openRoleActor } from '../support/network-role-actor';
import { legacyGatewayInput } from '../support/legacy-gateway-input';
import { ecarRejection } from '../support/rejection';

function obj(value: JsonValue | undefined, what: string): JsonObject {
  expect(value, what).to.be.an('object').and.not.be.an('array');
  return value as JsonObject;
}

/**
 * Provisions the confidential contract (genesis, enclave registrations, keys, vouchers) through each
 * org's Admin when the deploy has not: the network's own step, idempotent, does only what is missing.
 */
async function provisionIfNeeded(t: Topology, network: ModernNetwork): Promise<void> {
  const status = parseKeyStatus(
    decodeResult(
      await network
        .getContract(t.chaincode, CONFIDENTIAL_CONTRACT)
        .evaluateTransaction(Confidential.keyStatus),
    ),
  );
  if (status.currentEpoch > 0 && status.vouchers.length >= t.orgs.length) return;
  await provisionConfidential(t, silentProgress);
}

/** A station without a pinned meter (the meter is not what this suite is about). */
function plainStation(stationId: string): JsonObject {
  const station = stationArgs({ stationId, name: `legacy adapter ${stationId}` });
  return Object.fromEntries<JsonValue>(Object.entries(station).filter(([key]) => key !== 'meter'));
}

describe('the legacy fabric-network adapter on the network (LegacyConfidentialContract + ConfidentialLedgerClient)', () => {
  const t = e2eNetwork().topology;
  let legacyGateway: Gateway | undefined;
  let legacyNetwork: LegacyFabricNetwork;
  let modernNetwork: ModernNetwork;
  let modernConnection: GatewayConnection | undefined;
  let legacy: LegacyConfidentialContract<Endorser, Committer, IdentityContext>;
  let modern: ConfidentialLedgerClient;
  let policy: AttestationPolicy;

  before(async function () {
    this.timeout(120_000);
    modernConnection = openGateway(localIdentity(t, 'org2', 'User1'));
    modernNetwork = modernConnection.gateway.getNetwork(t.channel);
    legacyGateway = await connectLegacyGateway(legacyGatewayInput(t, 'org1', 'User1'));
    legacyNetwork = await legacyGateway.getNetwork(t.channel);
  });

  it('the legacy gateway reaches both orgs through discovery and reads the same key status as the gateway client', async () => {
    const endorsers = legacyNetwork.getChannel().getEndorsers();
    expect(endorsers.map((e) => e.mspid).sort()).to.deep.equal(['Org1MSP', 'Org2MSP']);
    const legacyStatus = parseKeyStatus(
      decodeResult(
        await legacyNetwork
          .getContract(t.chaincode, CONFIDENTIAL_CONTRACT)
          .evaluateTransaction(Confidential.keyStatus),
      ),
    );
    const modernStatus = parseKeyStatus(
      decodeResult(
        await modernNetwork
          .getContract(t.chaincode, CONFIDENTIAL_CONTRACT)
          .evaluateTransaction(Confidential.keyStatus),
      ),
    );
    expect(legacyStatus).to.deep.equal(modernStatus);
  });

  after(() => {
    legacyGateway?.disconnect();
    modernConnection?.close();
  });

  describe('on the provisioned network', () => {
    before(async function () {
      this.timeout(240_000);
      // the development policy of this network: its simulated root and enclave signer
      policy = developmentPolicy(loadDevelopmentPlatform(enclavePaths.platform(t)));
      await provisionIfNeeded(t, modernNetwork);
      modern = new ConfidentialLedgerClient({
        network: modernNetwork,
        identity: (modernConnection as GatewayConnection).gateway.getIdentity(),
        chaincode: t.chaincode,
        wallet: signingKeyPair(),
        policy,
      });
      legacy = new LegacyConfidentialContract<Endorser, Committer, IdentityContext>({
        network: legacyNetwork,
        chaincode: t.chaincode,
        wallet: signingKeyPair(),
        policy,
      });
    });

    it('both clients trust the same enclave set and the same chaincode keys', async () => {
      const [legacyKeys, modernKeys] = await Promise.all([legacy.trustedKeys(), modern.trustedKeys()]);
      expect(legacyKeys.epoch).to.equal(modernKeys.epoch);
      expect(Buffer.from(legacyKeys.boxPublicKey).equals(Buffer.from(modernKeys.boxPublicKey))).to.equal(
        true,
      );
      expect(
        Buffer.from(legacyKeys.receiptPublicKey).equals(Buffer.from(modernKeys.receiptPublicKey)),
      ).to.equal(true);
      expect(legacyKeys.vouchingOrgs).to.deep.equal(['Org1MSP', 'Org2MSP']);
    });

    it('a station registered through the legacy adapter is read back by the gateway client', async () => {
      const legacyId = await legacy.whoami();
      // the confidential ledger needs parameters first, set by the operator the genesis fixed;
      // another suite may have set them already
      const operator = await openRoleActor(t, 'operator');
      try {
        await operator.ledger.submit('initialize', { ...paramsArgs({ issuer: legacyId }) });
      } catch (error) {
        if (!(error instanceof EcarError && error.code === 'ALREADY_EXISTS')) throw error;
      } finally {
        operator.close();
      }
      const stationId = `legacy-${randomBytes(4).toString('hex')}`;
      const written = await legacy.submit('registerStation', plainStation(stationId));
      expect(written.transactionId).to.equal(legacy.lastTransactionId);
      expect(written.blockNumber).to.not.equal(0n);

      const read = obj(await modern.evaluate('getStation', { stationId }), 'getStation');
      expect(read.id).to.equal(stationId);
      expect(read.host).to.equal(legacyId);
    });

    it('a station registered through the gateway client is read back by the legacy adapter', async () => {
      const modernId = await modern.whoami();
      const stationId = `modern-${randomBytes(4).toString('hex')}`;
      await modern.submit('registerStation', plainStation(stationId));

      const read = obj(await legacy.evaluate('getStation', { stationId }), 'getStation');
      expect(read.id).to.equal(stationId);
      expect(read.host).to.equal(modernId);
    });

    it("a refusal through the legacy adapter arrives as the enclave's typed error, nothing committed", async () => {
      const error = await ecarRejection(
        legacy.submit('registerStation', { stationId: '' }),
        'INVALID_ARGUMENT',
      );
      expect(error.details.transactionId).to.equal(legacy.lastTransactionId);
    });
  });
});
