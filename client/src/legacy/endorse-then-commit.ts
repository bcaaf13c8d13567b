// Endorse, check, then order: a fabric-network 2.2 transaction split the way fabric-gateway splits it,
// with the public fabric-common objects fabric-network itself uses (Channel.newEndorsement, Endorsement
// .send, Endorsement.newCommit, Commit.send) and Network.addCommitListener for the commit. The caller's
// check runs between endorsement and ordering, so an answer it refuses is never sent to the orderer.
import { EcarError } from '../../../chaincode/src/protocol/errors';
import { LegacyEndorsementError, peerDetails } from './legacy-errors';
import type {
  LegacyCommitEvent,
  LegacyCommitListener,
  LegacyEndorsementResponse,
  LegacyIdentityContext,
  LegacyNetwork,
  LegacyProposalResponse,
} from './legacy-ports';

/** fabric-network's defaults (DefaultEventHandlerOptions), in seconds. */
const DEFAULT_ENDORSE_TIMEOUT_S = 30;
const DEFAULT_COMMIT_TIMEOUT_S = 300;

/** A proposal whose transaction id is fixed before anything is built or sent. */
export interface LegacyProposal<I> {
  readonly transactionId: string;
  readonly identity: I;
}

/** How a transaction ended on the committing peers of the client's org. */
export interface LegacyCommitStatus {
  readonly transactionId: string;
  readonly successful: boolean;
  /** Fabric validation code name: VALID, MVCC_READ_CONFLICT, ENDORSEMENT_POLICY_FAILURE, ... */
  readonly code: string;
  readonly blockNumber: bigint;
}

/** The orderer did not accept the transaction (nothing was committed). */
export class LegacyOrderingError extends Error {
  readonly transactionId: string;
  readonly status: string;

  constructor(transactionId: string, status: string, info?: string) {
    super(`the orderer did not accept transaction ${transactionId}: ${status}${info ? ` (${info})` : ''}`);
    this.name = 'LegacyOrderingError';
    this.transactionId = transactionId;
    this.status = status;
  }
}

/** A fresh transaction id from the gateway's identity (fabric-network does the same per Transaction). */
export function newLegacyProposal<E, C, I extends LegacyIdentityContext<I>>(
  network: LegacyNetwork<E, C, I>,
): LegacyProposal<I> {
  const base = network.getGateway().identityContext;
  if (base === undefined) {
    throw new EcarError('INVALID_STATE', 'the fabric-network gateway is not connected (no identity context)');
  }
  const identity = base.calculateTransactionId();
  return { transactionId: identity.transactionId, identity };
}

/**
 * Sends a signed proposal to every peer of the channel that discovery found (or only those of
 * `org`) and returns what they answered. Nothing is ordered.
 *
 * @throws EcarError KEYS_UNAVAILABLE when discovery knows no peer of `org`.
 */
export async function sendProposal<E, C, I extends LegacyIdentityContext<I>>(
  network: LegacyNetwork<E, C, I>,
  chaincode: string,
  proposal: LegacyProposal<I>,
  request: Readonly<{ fcn: string; args: string[] }>,
  org?: string,
): Promise<{ readonly answers: LegacyProposalResponse; commit(): Promise<LegacyCommitStatus> }> {
  const channel = network.getChannel();
  const targets = channel.getEndorsers(org);
  if (org !== undefined && targets.length === 0) {
    throw new EcarError('KEYS_UNAVAILABLE', `discovery knows no peer of ${org} on ${channel.name}`);
  }
  const endorsement = channel.newEndorsement(chaincode);
  // the receipt covers this transaction id: fabric-common must not draw a new one while building
  endorsement.build(proposal.identity, {
    fcn: request.fcn,
    args: request.args,
    generateTransactionId: false,
  });
  endorsement.sign(proposal.identity);
  if (endorsement.getTransactionId() !== proposal.transactionId) {
    throw new EcarError('INTERNAL', 'the endorsement was built with another transaction id');
  }
  const timeouts = network.getGateway().getOptions().eventHandlerOptions;
  const answers = await endorsement.send({
    targets,
    requestTimeout: (timeouts.endorseTimeout ?? DEFAULT_ENDORSE_TIMEOUT_S) * 1000,
  });
  return {
    answers,
    commit: async () => {
      const commit = endorsement.newCommit();
      commit.build(proposal.identity);
      commit.sign(proposal.identity);
      const mspId = network.getGateway().getIdentity().mspId;
      const own = channel.getEndorsers(mspId);
      const peers = own.length > 0 ? own : channel.getEndorsers();
      const commitTimeoutMs = (timeouts.commitTimeout ?? DEFAULT_COMMIT_TIMEOUT_S) * 1000;
      const waiter = commitWaiter(peers.length, proposal.transactionId, commitTimeoutMs);
      await network.addCommitListener(waiter.listener, peers, proposal.transactionId);
      try {
        const broadcast = await commit.send({
          targets: channel.getCommitters(),
          requestTimeout: commitTimeoutMs,
        });
        if (broadcast.status !== 'SUCCESS') {
          throw new LegacyOrderingError(proposal.transactionId, broadcast.status, broadcast.info);
        }
        return await waiter.done;
      } finally {
        waiter.cancel();
        network.removeCommitListener(waiter.listener);
      }
    },
  };
}

/**
 * The endorsed answer, when every peer endorsed and all endorsements sign the same bytes (so the
 * chaincode result is the same everywhere); a LegacyEndorsementError otherwise.
 */
export function unanimousAnswer(
  answers: LegacyProposalResponse,
  transactionId: string,
): LegacyEndorsementResponse {
  const [first] = answers.responses;
  const endorsedByAll =
    answers.errors.length === 0 &&
    answers.responses.every((a) => a.endorsement !== undefined && a.response.status < 400);
  if (first === undefined || !endorsedByAll) {
    throw new LegacyEndorsementError(
      'not every peer endorsed the transaction',
      transactionId,
      peerDetails(answers),
    );
  }
  const differs = answers.responses.some((a) => !Buffer.from(a.payload).equals(Buffer.from(first.payload)));
  if (differs) {
    throw new LegacyEndorsementError('the peers endorsed different results', transactionId, []);
  }
  return first;
}

/** Collects commit events of one transaction from `expected` peers: done when each reported once. */
function commitWaiter(
  expected: number,
  transactionId: string,
  timeoutMs: number,
): { listener: LegacyCommitListener; done: Promise<LegacyCommitStatus>; cancel(): void } {
  const events: LegacyCommitEvent[] = [];
  const errors: Error[] = [];
  let settle: { resolve(status: LegacyCommitStatus): void; reject(error: Error): void } | undefined;
  const done = new Promise<LegacyCommitStatus>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // a timeout while the broadcast is still in flight must not surface as an unhandled rejection
  void done.catch(() => undefined);
  const timer = setTimeout(() => {
    settle?.reject(
      new EcarError('INTERNAL', `no commit event for transaction ${transactionId} within ${timeoutMs} ms`, {
        transactionId,
      }),
    );
  }, timeoutMs);
  const check = (): void => {
    if (events.length + errors.length < expected) return;
    const [event] = events;
    if (event === undefined) {
      settle?.reject(new LegacyEndorsementError('no peer reported the commit', transactionId, []));
      return;
    }
    settle?.resolve({
      transactionId,
      successful: event.isValid,
      code: event.status,
      blockNumber: BigInt(event.getBlockEvent().blockNumber.toString()),
    });
  };
  const listener: LegacyCommitListener = (error, event) => {
    if (event !== undefined && event.transactionId === transactionId) events.push(event);
    else if (error !== undefined) errors.push(error);
    check();
  };
  return {
    listener,
    done,
    cancel: () => {
      clearTimeout(timer);
    },
  };
}
