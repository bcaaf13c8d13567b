// Named domain errors: each is an EcarError with a stable code and typed details a client can act on.
import { EcarError } from '../protocol/errors';

export class NotFound extends EcarError {
  constructor(
    readonly kind: string,
    readonly id: string,
  ) {
    super('NOT_FOUND', `no ${kind} '${id}'`, { kind, id });
    this.name = 'NotFound';
  }
}

export class Forbidden extends EcarError {
  constructor(
    readonly action: string,
    readonly requirement: string,
  ) {
    super('FORBIDDEN', `${action} is allowed only for ${requirement}`, { action, requirement });
    this.name = 'Forbidden';
  }
}

export class InvalidState extends EcarError {
  constructor(
    readonly kind: string,
    readonly id: string,
    readonly state: string,
    readonly expected: string,
  ) {
    super('INVALID_STATE', `${kind} '${id}' is ${state}; this needs it to be ${expected}`, {
      kind,
      id,
      state,
      expected,
    });
    this.name = 'InvalidState';
  }
}

export class InsufficientFunds extends EcarError {
  constructor(
    readonly bucket: string,
    readonly needed: bigint,
    readonly available: bigint,
  ) {
    super(
      'INSUFFICIENT_FUNDS',
      `needs ${needed.toString()} minor units from '${bucket}' but only ${available.toString()} are available; top up or lower the amount`,
      { bucket, needed: needed.toString(), available: available.toString() },
    );
    this.name = 'InsufficientFunds';
  }
}

/** Guards the settlement arithmetic: what is taken from a hold can never exceed it. */
export class SettlementExceedsHold extends EcarError {
  constructor(
    readonly sessionId: string,
    readonly captured: bigint,
    readonly hold: bigint,
  ) {
    super('SETTLEMENT_EXCEEDS_HOLD', `session '${sessionId}' would capture more than its hold`, {
      sessionId,
      captured: captured.toString(),
      hold: hold.toString(),
    });
    this.name = 'SettlementExceedsHold';
  }
}
