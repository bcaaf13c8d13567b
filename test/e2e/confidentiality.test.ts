// Confidential execution on the real network: the demo's story runs encrypted end to end and its
// figures are checked; every block a peer operator can fetch holds no plaintext business data; the
// client refuses enclaves its policy does not accept (before anything is sent); the enclaves refuse
// replayed, mis-bound and forged requests.
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { DEFAULT_POLICY, type AttestationPolicy } from '../../chaincode/src/protocol/attestation';
import { Confidential, CONFIDENTIAL_CONTRACT } from '../../chaincode/src/protocol/confidential/api';
import { toB64 } from '../../chaincode/src/protocol/confidential/encoding';
import {
  newRequestNonce,
  PROTOCOL_VERSION,
  sealRequest,
  submitterBinding,
  type RequestBody,
  type RequestSecrets,
} from '../../chaincode/src/protocol/confidential/envelope';
import { signingKeyPair, type SigningKeyPair } from '../../chaincode/src/protocol/confidential/primitives';
import { EcarError } from '../../chaincode/src/protocol/errors';
import { ConfidentialLedgerClient, type TrustedKeys } from '../../client/src/confidential';
import { answerError } from '../../client/src/confidential/sealed-answer';
import { openGateway, type GatewayConnection } from '../../client/src/fabric/gateway-connection';
import { channelHeight, fetchAllBlocks, findInBlocks } from '../../scripts/src/network/blocks';
import { readNetworkPolicy, rotateChaincodeKeys } from '../../scripts/src/network/confidential-setup';
import { silentProgress } from '../../scripts/src/progress';
import { inspectTransaction } from '../../client/src/fabric/transaction-inspector';
import { locateFabric } from '../../scripts/src/network/fabric-tools';
import { ROLES, walletPaths } from '../../scripts/src/network/roles';
import { readWalletInfo } from '../../client/src/wallet/wallet-file';
import { localIdentity } from '../../scripts/src/network/identities';
import { wallboxStation } from '../../scripts/src/demo/demo-station';
import { expectedFigures } from '../../scripts/src/demo/story';
import type { DemoResult } from '../../scripts/src/demo/main';
import { e2eNetwork } from '../support/e2e-network';
import { projectRoot } from '../support/testdata';
import { ecarRejection, rejectionOf } from '../support/rejection';

const run = promisify(execFile);

describe('confidential execution on the network', () => {
  const network = e2eNetwork();
  const t = network.topology;
  const org1 = t.orgs[0]!;
  let connection: GatewayConnection;
  let demo: DemoResult;

  before(() => {
    connection = openGateway(localIdentity(t, 'org1', 'User1'));
  });
  after(() => {
    connection.close();
  });

  const channel = () => connection.gateway.getNetwork(t.channel);
  const fabric = () => locateFabric(projectRoot(), process.env.FABRIC_HOME);
  const client = (
    options: Partial<{ policy: AttestationPolicy; clock: () => Date; wallet: SigningKeyPair }> = {},
  ) =>
    new ConfidentialLedgerClient({
      network: channel(),
      identity: connection.gateway.getIdentity(),
      chaincode: t.chaincode,
      wallet: options.wallet ?? signingKeyPair(),
      policy: options.policy ?? readNetworkPolicy(t),
      ...(options.clock ? { clock: options.clock } : {}),
    });

  async function refusal(promise: Promise<unknown>): Promise<EcarError> {
    return ecarRejection(promise);
  }

  describe('the demo (the quick start main job)', () => {
    it('runs the charging story encrypted end to end and ends with the expected figures', async () => {
      const { stdout } = await run(
        process.execPath,
        [
          join(projectRoot(), 'dist', 'scripts', 'src', 'demo', 'main.js'),
          '--json',
          '--base-port',
          String(t.basePort),
          '--state-dir',
          t.stateDir,
          '--dispute-window',
          '2',
        ],
        { maxBuffer: 32 << 20, timeout: 240_000 },
      );
      demo = JSON.parse(stdout) as DemoResult;
      const expected = expectedFigures();
      expect(demo.ok).to.equal(true);
      expect(demo.story.energyWh).to.equal(expected.energyWh.toString());
      expect(demo.story.price).to.equal(expected.price.toString());
      expect(demo.story.platformFee).to.equal(expected.fee.toString());
      expect(demo.story.hostEarning).to.equal(expected.hostEarning.toString());
      expect(demo.story.driverBalance).to.equal((BigInt(demo.story.minted) - expected.price).toString());
      expect(demo.story.audit).to.deep.equal({
        mintedDelta: demo.story.minted,
        burnedDelta: expected.hostEarning.toString(),
        balanced: true,
      });
      expect(demo.attestation.vouchingOrgs).to.deep.equal(['Org1MSP', 'Org2MSP']);
      expect(demo.attestation.enclaves.map((e) => [e.mspId, e.accepted])).to.deep.equal([
        ['Org1MSP', true],
        ['Org2MSP', true],
      ]);
    });
  });

  describe('the ledger as a peer operator sees it', () => {
    it('holds no plaintext amount, address, identity key, id or meter data of the story in any block', async () => {
      const blocks = await fetchAllBlocks(t, fabric(), org1);
      const s = demo.story;
      // the proof-of-life heartbeat is a plain contract: finding it proves the scan sees plaintext
      expect(findInBlocks(blocks, [demo.heartbeat.id])).to.have.length.greaterThan(0);
      const secrets = [
        'Invalidenstrasse',
        // quoted as JSON writes it: a bare five-digit number turns up by chance in the hex of tx ids
        // and event tags (about once in five runs), a JSON string of it never does
        '"10115"',
        s.stationId,
        s.sessionId,
        `psp-${s.runId}`,
        `payout-${s.runId}`,
        `DEMO-${s.runId.toUpperCase()}`,
        // the host's payout destination (sealed; only the issuer reads it)
        'DE89370400440532013000',
        '0532013000',
        `"${s.price}"`,
        `"${s.hostEarning}"`,
        `"${s.driverBalance}"`,
        `"${s.minted}"`,
        '"RD":[',
        '"purchased"',
        '"totalCost"',
        'ECDSA-secp256r1-SHA256',
        // every role's wallet key, as hex (caller ids) and base64 (request bodies)
        ...ROLES.flatMap((role) => {
          const key = readWalletInfo(walletPaths.wallet(t, role)).publicKey;
          return [key, Buffer.from(key, 'hex').toString('base64')];
        }),
      ];
      const found = findInBlocks(blocks, secrets);
      expect(found, JSON.stringify(found)).to.deep.equal([]);
    });
  });

  describe('the client refuses before it encrypts anything', () => {
    async function heightUnchanged(action: () => Promise<unknown>): Promise<EcarError> {
      const before = await channelHeight(t, fabric(), org1);
      const error = await refusal(action());
      expect(await channelHeight(t, fabric(), org1), 'nothing reached the ledger').to.equal(before);
      return error;
    }

    it('refuses simulated evidence under a production policy', async () => {
      // Intel's checks only, pinned to the build the network runs
      const production = { ...DEFAULT_POLICY, measurements: readNetworkPolicy(t).measurements };
      const error = await heightUnchanged(() => client({ policy: production }).submit('getParams'));
      expect(error.code).to.match(/^ATTESTATION_/);
      expect(error.message).to.match(/simulated/i);
    });

    it('refuses an enclave whose TCB status the policy does not accept', async () => {
      const policy = {
        ...readNetworkPolicy(t),
        allowedTcbStatuses: ['SWHardeningNeeded'],
      } as AttestationPolicy;
      const error = await heightUnchanged(() => client({ policy }).submit('getParams'));
      expect(error.code).to.match(/^ATTESTATION_/);
      expect(error.message).to.match(/UpToDate|TCB/);
    });

    it('refuses evidence whose collateral has expired', async () => {
      const later = () => new Date(Date.now() + 400 * 86_400_000);
      const error = await heightUnchanged(() => client({ clock: later }).submit('getParams'));
      expect(error.code).to.match(/^ATTESTATION_/);
      expect(error.message).to.match(/expired|not valid/i);
    });

    it('refuses a chaincode whose measurement differs from the one the policy pins (a modified build)', async () => {
      const trusted: TrustedKeys = await client().trustedKeys();
      const original = trusted.enclaves.find((e) => e.accepted)!.measurement;
      const pinned = { ...readNetworkPolicy(t), signers: [], measurements: [original] } as AttestationPolicy;
      expect((await client({ policy: pinned }).trustedKeys()).epoch).to.equal(trusted.epoch);
      const marker = join(projectRoot(), 'dist', 'chaincode', 'e2e-modified-build.txt');
      writeFileSync(marker, `modified ${Date.now()}\n`);
      try {
        await network.deploy();
        // the enclaves the network's policy accepts now are the modified build's (the old build's
        // stay registered, retired and rejected)
        const accepted = (await client().trustedKeys()).enclaves.filter((e) => e.accepted);
        expect(accepted).to.have.length.greaterThan(0);
        expect(accepted.map((e) => e.measurement)).to.not.include(original);
        const error = await heightUnchanged(() => client({ policy: pinned }).submit('getParams'));
        expect(error.code).to.equal('ATTESTATION_POLICY_REJECTED');
        expect(error.message, error.message).to.match(/measurement|MRENCLAVE/i);
      } finally {
        rmSync(marker, { force: true });
        await network.deploy();
      }
      expect((await client({ policy: pinned }).trustedKeys()).epoch).to.be.a('number');
    });
  });

  describe('the enclaves refuse', () => {
    let keys: TrustedKeys;
    const wallet = signingKeyPair();
    before(async () => {
      keys = await client({ wallet }).trustedKeys();
    });

    function body(overrides: Partial<RequestBody> = {}): RequestBody {
      return {
        v: PROTOCOL_VERSION,
        channel: t.channel,
        chaincode: t.chaincode,
        epoch: keys.epoch,
        fn: 'getBalance',
        args: {},
        wallet: toB64(wallet.publicKey),
        nonce: newRequestNonce(),
        notAfter: Date.now() + 60_000,
        submitter: submitterBinding(
          connection.gateway.getIdentity().mspId,
          connection.gateway.getIdentity().credentials,
        ),
        ...overrides,
      };
    }

    async function submitRaw(envelopeText: string): Promise<void> {
      const contract = channel().getContract(t.chaincode, CONFIDENTIAL_CONTRACT);
      const submitted = await contract.submitAsync(Confidential.submit, { arguments: [envelopeText] });
      const status = await submitted.getStatus();
      if (!status.successful) throw new Error(`not committed: validation code ${status.code}`);
    }

    /**
     * Submits and expects a refusal matching `code`: in clear when the envelope did not open, else
     * sealed and signed (opened here with the request's secrets, as the client does).
     */
    async function refusedWith(envelopeText: string, code: RegExp, secrets?: RequestSecrets): Promise<void> {
      const error = (await rejectionOf(submitRaw(envelopeText))) as Error;
      expect(error, 'the enclaves must refuse').to.be.instanceOf(Error);
      const text = JSON.stringify(error, Object.getOwnPropertyNames(error));
      if (secrets === undefined || !text.includes('CONFIDENTIAL_ERROR')) {
        expect(text).to.match(code);
        return;
      }
      // the client's own reading: receipt checked, then the sealed refusal opened
      const opened = answerError(error, {
        secrets,
        txId: (error as { transactionId?: string }).transactionId ?? '',
        epoch: keys.epoch,
        receiptPublicKey: keys.receiptPublicKey,
      });
      expect(opened).to.be.instanceOf(EcarError);
      expect((opened as EcarError).details.sealed).to.equal(true);
      expect((opened as EcarError).message).to.match(code);
    }

    it('refuses a replayed request (the same envelope twice), signed: REPLAY', async () => {
      const { envelopeText, secrets } = sealRequest(body(), wallet, keys.boxPublicKey);
      await submitRaw(envelopeText);
      await refusedWith(envelopeText, /REPLAY|MVCC/, secrets);
    });

    it('refuses a request bound to another channel', async () => {
      const { envelopeText, secrets } = sealRequest(
        body({ channel: 'another-channel' }),
        wallet,
        keys.boxPublicKey,
      );
      await refusedWith(envelopeText, /ENVELOPE_INVALID[^"]*channel/, secrets);
    });

    it('refuses a request for another key epoch', async () => {
      const { envelopeText } = sealRequest(body({ epoch: keys.epoch + 1 }), wallet, keys.boxPublicKey);
      await refusedWith(envelopeText, /ENVELOPE_INVALID|KEYS_UNAVAILABLE/);
    });

    it('refuses a request whose wallet signature does not verify', async () => {
      const someoneElse = signingKeyPair();
      const forged = body({ wallet: toB64(someoneElse.publicKey) });
      const { envelopeText } = sealRequest(forged, wallet, keys.boxPublicKey);
      await refusedWith(envelopeText, /ENVELOPE_INVALID[^"]*signature/);
    });
  });

  describe('key rotation', () => {
    it('opens a new epoch: old state stays readable, new writes are sealed under the new epoch', async () => {
      const wallet = signingKeyPair();
      const epochBefore = (await client({ wallet }).trustedKeys()).epoch;
      const stationBefore = await client({ wallet }).evaluate('getStation', {
        stationId: demo.story.stationId,
      });

      const rotated = await rotateChaincodeKeys(t, silentProgress);
      expect(rotated.epoch).to.equal(epochBefore + 1);

      const after = client({ wallet });
      expect((await after.trustedKeys()).epoch).to.equal(epochBefore + 1);
      expect(await after.evaluate('getStation', { stationId: demo.story.stationId })).to.deep.equal(
        stationBefore,
      );
      await after.submit(
        'registerStation',
        wallboxStation({ stationId: `rotated-${demo.story.runId}`, name: 'registered after rotation' }),
      );
      const tx = await inspectTransaction(channel(), after.lastTransactionId!);
      const epochs = tx.writes
        .filter((w) => w.key.startsWith('s/') && !w.isDelete)
        .map((w) => (JSON.parse(Buffer.from(w.value).toString('utf8')) as { e: number }).e);
      expect(epochs).to.have.length.greaterThan(0);
      expect([...new Set(epochs)]).to.deep.equal([epochBefore + 1]);
    });
  });
});
