// Proof-of-life contract: one write endorsed by every org, one read, one chaincode event.
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';

export const HEARTBEAT_EVENT = 'HeartbeatRecorded';
const ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export interface Heartbeat {
  readonly id: string;
  readonly txId: string;
  readonly timestamp: string;
  readonly submitter: string;
}

@Info({
  title: 'HeartbeatContract',
  description: 'Proof that the network endorses, commits and emits events',
})
export class HeartbeatContract extends Contract {
  constructor() {
    super('heartbeat');
  }

  @Transaction()
  @Returns('string')
  async record(ctx: Context, id: string): Promise<string> {
    assertId(id);
    const ts = ctx.stub.getTxTimestamp();
    const heartbeat: Heartbeat = {
      id,
      submitter: ctx.clientIdentity.getMSPID(),
      timestamp: new Date(Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1e6)).toISOString(),
      txId: ctx.stub.getTxID(),
    };
    const value = Buffer.from(JSON.stringify(heartbeat));
    await ctx.stub.putState(heartbeatKey(ctx, id), value);
    ctx.stub.setEvent(HEARTBEAT_EVENT, Buffer.from(JSON.stringify({ id, txId: heartbeat.txId })));
    return JSON.stringify(heartbeat);
  }

  @Transaction(false)
  @Returns('string')
  async read(ctx: Context, id: string): Promise<string> {
    assertId(id);
    const value = await ctx.stub.getState(heartbeatKey(ctx, id));
    if (value.length === 0) {
      throw new Error(`NOT_FOUND: no heartbeat '${id}'`);
    }
    return Buffer.from(value).toString('utf8');
  }
}

function assertId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    throw new Error('INVALID_ARGUMENT: id must be 1-64 characters of A-Z a-z 0-9 . _ -');
  }
}

function heartbeatKey(ctx: Context, id: string): string {
  return ctx.stub.createCompositeKey('heartbeat', [id]);
}
