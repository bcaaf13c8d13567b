// Failed endorsements through fabric-network 2.2, as typed errors: the sealed error an enclave returned
// (opened with the request's secrets, receipt checked) or one detail per peer when no enclave answered.
import { EcarError } from '../../../chaincode/src/protocol/errors';
import { sealedErrorIn, type RequestContext } from '../confidential/sealed-answer';
import { ecarErrorIn } from '../fabric/ledger-client';
import type { LegacyProposalResponse } from './legacy-ports';

/** What one peer said (or why it said nothing). Carries no request data: peers only see ciphertext. */
export interface LegacyPeerDetail {
  /** The peer's name in the connection profile or discovery (host:port). */
  readonly peer: string;
  /** The chaincode response status, or 'grpc' when the peer could not be reached. */
  readonly status: number | 'grpc';
  readonly message: string;
}

/**
 * The peers did not all endorse the transaction identically and none answered with a sealed or coded
 * error: unreachable peers, a chaincode missing on a peer, or endorsements that differ.
 */
export class LegacyEndorsementError extends Error {
  readonly transactionId: string;
  readonly details: readonly LegacyPeerDetail[];

  constructor(message: string, transactionId: string, details: readonly LegacyPeerDetail[]) {
    super(
      details.length === 0
        ? message
        : `${message}: ${details.map((d) => `${d.peer} (${d.status}) ${d.message}`).join('; ')}`,
    );
    this.name = 'LegacyEndorsementError';
    this.transactionId = transactionId;
    this.details = details;
  }
}

/** One detail per peer of an endorsement round. */
export function peerDetails(proposal: LegacyProposalResponse): LegacyPeerDetail[] {
  return [
    ...proposal.errors.map((error) => ({
      peer: connectionName(error),
      status: 'grpc' as const,
      message: error.message,
    })),
    ...proposal.responses.map((answer) => ({
      peer: answer.connection?.name ?? 'unknown peer',
      status: answer.response.status,
      message: answer.response.message,
    })),
  ];
}

function connectionName(error: Error): string {
  const connection: unknown = (error as Error & { connection?: unknown }).connection;
  if (typeof connection === 'object' && connection !== null && 'name' in connection) {
    const { name } = connection;
    if (typeof name === 'string') return name;
  }
  return 'unknown peer';
}

/**
 * The typed error in a list of peer messages: the first sealed error whose receipt verifies becomes the
 * EcarError the enclave sealed (a forged or garbled one from one peer does not hide a genuine one from
 * another); else ENVELOPE_INVALID when sealed errors were there but none verified; else a plain
 * `CODE: reason` (a refusal before the enclave opened the request); else undefined.
 */
export function typedErrorIn(messages: readonly string[], context: RequestContext): EcarError | undefined {
  const sealed = sealedErrorIn(messages, context);
  if (sealed !== undefined) return sealed;
  for (const message of messages) {
    const coded = ecarErrorIn(message);
    if (coded !== undefined) return coded;
  }
  return undefined;
}

/**
 * Maps an error fabric-network threw for a confidential call (an evaluate's `peer error response`, a
 * `Query failed` summary, or an endorsement error with `responses` / `errors` attached) to a typed
 * error; anything without an enclave's or chaincode's answer is returned unchanged.
 */
export function legacyAnswerError(error: unknown, context: RequestContext): unknown {
  if (error instanceof EcarError) return error;
  if (!(error instanceof Error)) return error;
  const messages: string[] = [];
  const attached = error as Error & { responses?: unknown; errors?: unknown };
  if (Array.isArray(attached.responses) || Array.isArray(attached.errors)) {
    const proposal: LegacyProposalResponse = {
      responses: (Array.isArray(attached.responses) ? attached.responses : []).filter(isEndorsementResponse),
      errors: (Array.isArray(attached.errors) ? attached.errors : []).filter(
        (e): e is Error => e instanceof Error,
      ),
    };
    messages.push(...peerDetails(proposal).map((d) => d.message));
  }
  messages.push(error.message);
  return typedErrorIn(messages, context) ?? error;
}

function isEndorsementResponse(value: unknown): value is LegacyProposalResponse['responses'][number] {
  if (typeof value !== 'object' || value === null || !('response' in value)) return false;
  const { response } = value;
  return (
    typeof response === 'object' &&
    response !== null &&
    'message' in response &&
    typeof response.message === 'string' &&
    'status' in response &&
    typeof response.status === 'number'
  );
}
