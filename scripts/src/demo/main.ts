// The quick start's main job: network up, chaincode deployed and provisioned (attested enclaves,
// chaincode keys), the proof-of-life transaction, then the charging story run end to end through
// the confidential client, narrated, with a summary of what runs where.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { openGateway } from '../../../client/src/fabric/gateway-connection';
import { networkFromOptions, renderStatus } from '../network/cli';
import { localIdentity } from '../network/identities';
import { openCast } from './cast';
import { proveHeartbeat, type HeartbeatProof } from './heartbeat';
import { describeView, viewTransaction } from './ledger-view';
import { runChargingStory, type StorySummary } from './story';

interface DemoOptions {
  readonly stateDir?: string;
  readonly basePort?: string;
  readonly json?: boolean;
  readonly disputeWindow?: string;
  readonly localDisputeWindow?: string;
}

/**
 * The dispute window the local network keeps after the story: long enough to follow the guides by
 * hand (open a dispute on a session you just charged), short enough to see earnings unlock.
 */
const LOCAL_DISPUTE_WINDOW_SECONDS = 900;

interface AttestationSummary {
  readonly epoch: number;
  readonly vouchingOrgs: readonly string[];
  readonly enclaves: readonly {
    mspId: string;
    id: string;
    measurement: string;
    tcbStatus: string;
    accepted: boolean;
  }[];
}

export interface DemoResult {
  readonly ok: true;
  readonly network: ReturnType<ReturnType<typeof networkFromOptions>['status']>;
  readonly heartbeat: HeartbeatProof;
  readonly attestation: AttestationSummary;
  readonly story: StorySummary;
}

async function run(options: DemoOptions): Promise<DemoResult> {
  const root = resolve(__dirname, '..', '..', '..', '..');
  const network = networkFromOptions(root, options);
  const say = (text: string) => {
    if (options.json !== true) process.stdout.write(`${text}\n`);
  };
  const up = await network.up();
  const t = network.topology;
  say(up.alreadyRunning ? '\nThe network was already running; reusing it.' : '\nNetwork started.');
  say(renderStatus(network.status()));

  const admin = openGateway(localIdentity(t, 'org1', 'User1'));
  let heartbeat: HeartbeatProof;
  try {
    heartbeat = await proveHeartbeat(admin.gateway, { channel: t.channel, chaincode: t.chaincode });
  } finally {
    admin.close();
  }
  say('\nProof of life (Fabric Gateway):');
  say(
    `  heartbeat committed in block ${heartbeat.blockNumber}: ${heartbeat.validation}, endorsed by ${heartbeat.endorsers.join(' + ')}, event '${heartbeat.event.name}' received`,
  );

  const cast = await openCast(t);
  try {
    const trusted = await cast.members.driver.confidential.trustedKeys();
    const attestation: AttestationSummary = {
      epoch: trusted.epoch,
      vouchingOrgs: trusted.vouchingOrgs,
      enclaves: trusted.enclaves.map((e) => ({
        mspId: e.mspId,
        id: e.id,
        measurement: e.measurement,
        tcbStatus: e.tcbStatus,
        accepted: e.accepted,
      })),
    };
    say('\nAttestation, checked by the client before it encrypts anything:');
    for (const e of attestation.enclaves) {
      say(
        `  ${e.mspId} enclave ${e.id.slice(0, 12)}…  measurement ${e.measurement.slice(0, 16)}…  TCB ${e.tcbStatus}  ${e.accepted ? 'accepted' : 'REFUSED'} (simulated SGX, development root)`,
      );
    }
    say(
      `  chaincode keys epoch ${attestation.epoch}, vouched for by ${attestation.vouchingOrgs.join(' + ')}`,
    );
    say('\nThe charging story, every call sealed to the attested enclaves:');
    const storyWindow = Number.parseInt(options.disputeWindow ?? '5', 10);
    const story = await runChargingStory(
      {
        operator: cast.members.operator,
        issuer: cast.members.issuer,
        auditor: cast.members.auditor,
        backend: cast.members.backend,
        host: cast.members.host,
        driver: cast.members.driver,
      },
      {
        runId: randomBytes(3).toString('hex'),
        disputeWindowSeconds: storyWindow,
        clockSkewMs: t.clockSkewMs,
      },
      {
        step(title, lines) {
          say(`\n• ${title}`);
          for (const line of lines) say(`    ${line}`);
        },
        async describe(submitted) {
          return describeView(
            submitted,
            await viewTransaction(cast.members.auditor.network, submitted.transactionId),
          );
        },
      },
    );
    // The story's own short window must not stay the network's rule: every guide-paced dispute would fail.
    const localWindow = Number.parseInt(
      options.localDisputeWindow ?? String(LOCAL_DISPUTE_WINDOW_SECONDS),
      10,
    );
    await cast.members.operator.ledger.submit('setParams', { disputeWindowSeconds: localWindow });
    say(
      `\nThe story used its own ${storyWindow} s dispute window to finish quickly; the local network now keeps ${localWindow} s (${Math.round(localWindow / 60)} min) for what you do by hand (ecar operator params show; --local-dispute-window N to change it).`,
    );
    say('\nSummary (token minor units):');
    say(
      `  minted ${story.minted}  energy ${story.energyWh} Wh  price ${story.price}  fee ${story.platformFee}  host earned ${story.hostEarning}  burned ${story.burned}`,
    );
    say(`  driver balance ${story.driverBalance}; auditor totals balanced: ${String(story.audit.balanced)}`);
    say(`  settlement submit-to-commit ${story.settleSubmitToCommitMs} ms`);
    say('\nNext: `npm run network -- status | logs <node> | stop | start | down`; the ecar CLI: docs/');
    return { ok: true, network: network.status(), heartbeat, attestation, story };
  } finally {
    cast.close();
  }
}

const program = new Command('demo')
  .description('Bring the local network up, deploy and provision the chaincode, and run the charging story')
  .option('--state-dir <dir>', 'network state folder (default .state/network)')
  .option('--base-port <port>', 'first port of the network (default 7000)')
  .option('--dispute-window <seconds>', 'dispute window of the story (short, so it finishes quickly)', '5')
  .option(
    '--local-dispute-window <seconds>',
    'dispute window the local network keeps after the story',
    String(LOCAL_DISPUTE_WINDOW_SECONDS),
  )
  .option('--json', 'machine-readable summary on stdout')
  .action(async (options: DemoOptions) => {
    try {
      const result = await run(options);
      if (options.json === true) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (options.json === true) process.stdout.write(`${JSON.stringify({ ok: false, error: message })}\n`);
      process.stderr.write(`demo: ${message}\n`);
      process.exitCode = 1;
    }
  });

void program.parseAsync(process.argv);
