// The confidential contract (api.ts): thin fabric-contract-api functions that check the raw string
// arguments and delegate to the process-wide enclave runtime. Writes (governance, registration,
// publishing, sharing) are @Transaction(); reads and enclave-local work (evidence, key creation,
// vouching) are @Transaction(false).
import { MAX_ENVELOPE_LENGTH } from '../protocol/confidential/envelope';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import type { EnclaveTx } from '../enclave/ledger-state';
import { enclaveRuntime, type EnclaveRuntime } from '../enclave/runtime';
import { CONFIDENTIAL_CONTRACT } from '../protocol/confidential/api';
import { credentialsHash } from '../protocol/confidential/envelope';
import { EcarError } from '../protocol/errors';
import { hasAdminNodeOu } from './admin-identity';
import { clockFromStub } from './fabric-clock';
import { StubRawState } from './stub-raw-state';

@Info({
  title: 'ConfidentialContract',
  description:
    'E-car charging ledger (confidential mode): attested enclaves, chaincode keys, sealed requests',
})
export class ConfidentialContract extends Contract {
  constructor() {
    super(CONFIDENTIAL_CONTRACT);
  }

  @Transaction(false)
  @Returns('string')
  enclaveEvidence(_ctx: Context): Promise<string> {
    return answer(() => Promise.resolve(runtime().enclaveEvidence()));
  }

  @Transaction()
  @Returns('string')
  registerEnclave(ctx: Context, evidenceJson: string): Promise<string> {
    return answer(() => runtime().registerEnclave(enclaveTx(ctx), argument(evidenceJson)));
  }

  @Transaction(false)
  @Returns('string')
  listEnclaves(ctx: Context): Promise<string> {
    return answer(() => runtime().listEnclaves(readTx(ctx)));
  }

  @Transaction()
  @Returns('string')
  approveGenesis(ctx: Context, genesisJson: string): Promise<string> {
    return answer(() => runtime().approveGenesis(enclaveTx(ctx), argument(genesisJson)));
  }

  @Transaction(false)
  @Returns('string')
  getGenesis(ctx: Context): Promise<string> {
    return answer(() => runtime().getGenesis(enclaveTx(ctx)));
  }

  @Transaction()
  @Returns('string')
  proposeRotation(ctx: Context): Promise<string> {
    return answer(() => runtime().proposeRotation(enclaveTx(ctx)));
  }

  @Transaction()
  @Returns('string')
  approveRotation(ctx: Context, proposalId: string): Promise<string> {
    return answer(() => runtime().approveRotation(enclaveTx(ctx), argument(proposalId)));
  }

  @Transaction()
  @Returns('string')
  proposePolicy(ctx: Context, policyJson: string): Promise<string> {
    return answer(() => runtime().proposePolicy(enclaveTx(ctx), argument(policyJson)));
  }

  @Transaction()
  @Returns('string')
  approvePolicy(ctx: Context, proposalId: string): Promise<string> {
    return answer(() => runtime().approvePolicy(enclaveTx(ctx), argument(proposalId)));
  }

  @Transaction(false)
  @Returns('string')
  getPolicy(ctx: Context): Promise<string> {
    return answer(() => runtime().getPolicy(readTx(ctx)));
  }

  @Transaction(false)
  @Returns('string')
  createKeys(ctx: Context): Promise<string> {
    return answer(() => runtime().createKeys(enclaveTx(ctx)));
  }

  @Transaction()
  @Returns('string')
  publishKeys(ctx: Context, recordJson: string): Promise<string> {
    return answer(() => runtime().publishKeys(enclaveTx(ctx), argument(recordJson)));
  }

  @Transaction()
  @Returns('string')
  shareKeys(ctx: Context, enclaveIdsJson: string): Promise<string> {
    return answer(() => runtime().shareKeys(enclaveTx(ctx), argument(enclaveIdsJson)));
  }

  @Transaction(false)
  @Returns('string')
  vouchKeys(ctx: Context, epoch: string): Promise<string> {
    return answer(() => runtime().vouchKeys(enclaveTx(ctx), argument(epoch)));
  }

  @Transaction()
  @Returns('string')
  recordVoucher(ctx: Context, voucherJson: string): Promise<string> {
    return answer(() => runtime().recordVoucher(enclaveTx(ctx), argument(voucherJson)));
  }

  @Transaction()
  @Returns('string')
  pruneNonces(ctx: Context): Promise<string> {
    return answer(() => runtime().pruneNonces(enclaveTx(ctx)));
  }

  @Transaction(false)
  @Returns('string')
  keyStatus(ctx: Context): Promise<string> {
    return answer(() => runtime().keyStatus(readTx(ctx)));
  }

  @Transaction(false)
  @Returns('string')
  attestedKeyStatus(ctx: Context, challenge: string): Promise<string> {
    return answer(() => runtime().attestedKeyStatus(readTx(ctx), argument(challenge)));
  }

  /** A confidential write: the argument is a request envelope; the answer a sealed response. */
  @Transaction()
  @Returns('string')
  async submit(ctx: Context, envelope: string): Promise<string> {
    return sealed(() => runtime().run(enclaveTx(ctx), 'submit', argument(envelope)));
  }

  /** A confidential read: never ordered or committed; write transactions are refused. */
  @Transaction(false)
  @Returns('string')
  async evaluate(ctx: Context, envelope: string): Promise<string> {
    return sealed(() => runtime().run(enclaveTx(ctx), 'evaluate', argument(envelope)));
  }

  override unknownTransaction(ctx: Context): Promise<void> {
    const { fcn } = ctx.stub.getFunctionAndParameters();
    return Promise.reject(
      new EcarError('UNKNOWN_FUNCTION', `the confidential contract has no function '${fcn.slice(0, 64)}'`),
    );
  }
}

function runtime(): EnclaveRuntime {
  return enclaveRuntime();
}

/**
 * The enclave's view of this transaction, its time checked against the enclave's own clock (a
 * forged timestamp is refused with CLOCK_SKEW before anything runs).
 */
export function enclaveTx(ctx: Context): EnclaveTx {
  return { ...readTx(ctx), clock: runtime().trustedClock(clockFromStub(ctx.stub)) };
}

/** The view for reads of public records (registry, policy, key status): no time is judged. */
function readTx(ctx: Context): EnclaveTx {
  return {
    state: new StubRawState(ctx.stub),
    clock: clockFromStub(ctx.stub),
    channel: ctx.stub.getChannelID(),
    submitter: lazySubmitter(ctx),
    events: ctx.stub,
  };
}

/** The submitter; whether it is an org admin costs a certificate parse, so only governance pays it. */
function lazySubmitter(ctx: Context): EnclaveTx['submitter'] {
  let isAdmin: boolean | undefined;
  let certHash: string | undefined;
  return {
    mspId: ctx.clientIdentity.getMSPID(),
    get isAdmin(): boolean {
      isAdmin ??= hasAdminNodeOu(ctx.clientIdentity.getIDBytes());
      return isAdmin;
    },
    get certHash(): string {
      certHash ??= credentialsHash(ctx.clientIdentity.getIDBytes());
      return certHash;
    },
  };
}

function argument(value: unknown): string {
  if (typeof value !== 'string') throw new EcarError('INVALID_ARGUMENT', 'arguments must be strings');
  if (value.length > MAX_ENVELOPE_LENGTH) throw new EcarError('INVALID_ARGUMENT', 'argument too large');
  return value;
}

/** Runs a function and answers its result as JSON text; errors leave with a stable code. */
async function answer(run: () => Promise<unknown>): Promise<string> {
  try {
    return JSON.stringify(await run());
  } catch (error) {
    throw asContractError(error);
  }
}

/** Like `answer`, for the entry point whose result is already the sealed response text. */
async function sealed(run: () => Promise<string>): Promise<string> {
  try {
    return await run();
  } catch (error) {
    throw asContractError(error);
  }
}

/** EcarErrors as they are (their message starts with the code); anything else as INTERNAL, detail withheld. */
export function asContractError(error: unknown): EcarError {
  return error instanceof EcarError ? error : new EcarError('INTERNAL', 'the enclave failed unexpectedly');
}
