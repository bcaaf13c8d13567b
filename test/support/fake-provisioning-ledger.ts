// A fake confidential ledger with one enclave per org for provisioning tests: the contract functions of
// api.ts over in-memory state, each org's evaluations landing on its own enclave, built from the real
// protocol functions (simulated evidence, key records, wraps, vouchers). Not Fabric: no endorsement.
import { randomBytes } from 'node:crypto';
import type { ProposalOptions } from '@hyperledger/fabric-gateway';
import type { JsonValue } from '../../chaincode/src/ports';
import { parsePolicy } from '../../chaincode/src/protocol/attestation';
import type { SimulatedPlatform } from '../../chaincode/src/protocol/attestation/simulated';
import {
  Confidential,
  type PolicyProposal,
  type PolicyRecord,
  type RegistryRecord,
} from '../../chaincode/src/protocol/confidential/api';
import { fromB64 } from '../../chaincode/src/protocol/confidential/encoding';
import {
  epochPublicKeys,
  extendBundle,
  makeKeyRecord,
  makeVoucher,
  parseKeyRecord,
  parseKeyWrap,
  parseVoucher,
  unwrapBundle,
  wrapBundle,
  type KeyBundle,
  type KeyRecord,
  type KeyWrap,
  type Voucher,
} from '../../chaincode/src/protocol/confidential/key-record';
import { EcarError } from '../../chaincode/src/protocol/errors';
import type { ContractPort, NetworkPort, ProposalPort } from '../../client/src/confidential/gateway-ports';
import type { ProvisioningOrg } from '../../client/src/confidential/provisioning';
import { CHANNEL, registryRecord, testEnclave, type TestEnclave } from './confidential-fixture';

interface FakeEnclave {
  readonly enclave: TestEnclave;
  bundle: KeyBundle | undefined;
  pending: KeyBundle | undefined;
}

const encoder = new TextEncoder();

export class FakeProvisioningLedger {
  /** Ledger calls in order: `Org1MSP submit registerEnclave`. */
  readonly calls: string[] = [];
  readonly #platform: SimulatedPlatform;
  readonly #enclaves = new Map<string, FakeEnclave>();
  /** Evaluations through an org's gateway land on another org's enclave (a misrouted gateway). */
  readonly misroute = new Map<string, string>();
  #policy: PolicyRecord | undefined;
  readonly #proposals = new Map<string, PolicyProposal>();
  readonly #registry = new Map<string, RegistryRecord>();
  #currentEpoch = 0;
  readonly #records = new Map<number, KeyRecord>();
  readonly #wraps = new Map<number, Map<string, KeyWrap>>();
  readonly #vouchers = new Map<number, Map<string, Voucher>>();

  constructor(platform: SimulatedPlatform, mspIds: readonly string[]) {
    this.#platform = platform;
    for (const mspId of mspIds) {
      this.#enclaves.set(mspId, {
        enclave: testEnclave(platform, { mspId }),
        bundle: undefined,
        pending: undefined,
      });
    }
  }

  enclaveId(mspId: string): string {
    return this.#enclave(mspId).enclave.id;
  }

  get currentEpoch(): number {
    return this.#currentEpoch;
  }

  /** The org as the operator drives it: an Admin gateway to that org's peer. */
  org(mspId: string): ProvisioningOrg {
    const network: NetworkPort = {
      getName: () => CHANNEL,
      getContract: (): ContractPort => this.#contract(mspId),
    };
    return { mspId, network };
  }

  #enclave(mspId: string): FakeEnclave {
    const found = this.#enclaves.get(mspId);
    if (found === undefined) throw new Error(`fake: no enclave of ${mspId}`);
    return found;
  }

  #contract(mspId: string): ContractPort {
    const call = (
      kind: 'submit' | 'evaluate',
      name: string,
      args: readonly (string | Uint8Array)[],
      target: string,
    ): Promise<Uint8Array> => {
      this.calls.push(`${mspId} ${kind} ${name}`);
      try {
        const text = args.map((a) => (typeof a === 'string' ? a : Buffer.from(a).toString('utf8')));
        return Promise.resolve(encoder.encode(JSON.stringify(this.#run(name, text, mspId, target))));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    const landing = (): string => this.misroute.get(mspId) ?? mspId;
    return {
      evaluateTransaction: (name, ...args) => call('evaluate', name, args, landing()),
      submitTransaction: (name, ...args) => call('submit', name, args, mspId),
      newProposal: (name: string, options?: ProposalOptions): ProposalPort => {
        const wanted = options?.endorsingOrganizations?.[0] ?? mspId;
        const target = this.misroute.get(wanted) ?? wanted;
        return {
          getTransactionId: () => randomBytes(32).toString('hex'),
          evaluate: () => call('evaluate', name, options?.arguments ?? [], target),
          endorse: () => Promise.reject(new Error('fake: provisioning never endorses proposals')),
        };
      },
    };
  }

  /** One contract function; `submitter` is the caller's org, `target` the org whose enclave answers. */
  #run(name: string, args: readonly string[], submitter: string, target: string): JsonValue {
    const [first] = args;
    const here = this.#enclave(target);
    switch (name) {
      case Confidential.evidence:
        return here.enclave.evidence as unknown as JsonValue;
      case Confidential.register: {
        if (this.#policy === undefined) throw new EcarError('NOT_INITIALIZED', 'no policy');
        const evidence = JSON.parse(first ?? '') as TestEnclave['evidence'];
        if (evidence.mspId !== submitter) throw new EcarError('ATTESTATION_POLICY_REJECTED', 'other org');
        const record = registryRecord(evidence, this.#platform);
        this.#registry.set(record.id, record);
        return record as unknown as JsonValue;
      }
      case Confidential.enclaves:
        return [...this.#registry.values()] as unknown as JsonValue;
      case Confidential.policy:
        if (this.#policy === undefined)
          throw new EcarError('NOT_INITIALIZED', 'there is no attestation policy yet');
        return this.#policy as unknown as JsonValue;
      case Confidential.initPolicy:
        if (this.#policy !== undefined) throw new EcarError('ALREADY_EXISTS', 'a policy exists already');
        this.#policy = {
          v: 1,
          version: 1,
          policy: parsePolicy(first),
          approvedBy: [submitter],
          txId: 'tx-policy-1',
        };
        return this.#policy as unknown as JsonValue;
      case Confidential.proposePolicy: {
        const proposal: PolicyProposal = {
          v: 1,
          id: `proposal-${this.#proposals.size + 1}`,
          policy: parsePolicy(first),
          proposedBy: submitter,
          approvals: [submitter],
          applied: false,
        };
        this.#proposals.set(proposal.id, proposal);
        return proposal as unknown as JsonValue;
      }
      case Confidential.approvePolicy: {
        const proposal = this.#proposals.get(first ?? '');
        if (proposal === undefined) throw new EcarError('NOT_FOUND', 'no proposal');
        const approvals = [...new Set([...proposal.approvals, submitter])].sort();
        if (approvals.length < 2) {
          this.#proposals.set(proposal.id, { ...proposal, approvals });
          return { ...proposal, approvals } as unknown as JsonValue;
        }
        this.#proposals.set(proposal.id, { ...proposal, approvals, applied: true });
        const version = (this.#policy?.version ?? 0) + 1;
        this.#policy = {
          v: 1,
          version,
          policy: proposal.policy,
          approvedBy: approvals,
          txId: `tx-policy-${version}`,
        };
        return this.#policy as unknown as JsonValue;
      }
      case Confidential.createKeys: {
        const { bundle, epoch } = extendBundle(here.bundle);
        const secrets = bundle.epochs.get(epoch);
        if (secrets === undefined) throw new Error('fake: no secrets');
        const me = here.enclave;
        here.pending = bundle;
        return makeKeyRecord(
          {
            channel: CHANNEL,
            chaincode: me.evidence.chaincode,
            keys: epochPublicKeys(epoch, secrets),
            creator: me.id,
            wraps: [...this.#registry.values()].map((r) => this.#wrap(bundle, r, me)),
          },
          me.signing.seed,
        ) as unknown as JsonValue;
      }
      case Confidential.publishKeys: {
        const record = parseKeyRecord(first);
        if (record.epoch !== this.#currentEpoch + 1) throw new EcarError('CONFLICT', 'not the next epoch');
        this.#records.set(record.epoch, record);
        this.#wraps.set(record.epoch, new Map(record.wraps.map((w) => [w.enclave, w])));
        this.#currentEpoch = record.epoch;
        for (const fake of this.#enclaves.values()) {
          if (fake.enclave.id === record.creator && fake.pending !== undefined) fake.bundle = fake.pending;
        }
        return record as unknown as JsonValue;
      }
      case Confidential.shareKeys: {
        const bundle = this.#holdCurrent(here);
        const ids = JSON.parse(first ?? '[]') as string[];
        return ids.map((id) => {
          const record = this.#registry.get(id);
          if (record === undefined) throw new EcarError('NOT_FOUND', `no enclave ${id}`);
          return this.#wrap(bundle, record, here.enclave);
        }) as unknown as JsonValue;
      }
      case Confidential.addWraps: {
        const wraps = (JSON.parse(first ?? '[]') as unknown[]).map((w) => parseKeyWrap(w));
        for (const wrap of wraps) this.#wraps.get(this.#currentEpoch)?.set(wrap.enclave, wrap);
        return wraps as unknown as JsonValue;
      }
      case Confidential.vouch: {
        const epoch = Number(first);
        const record = this.#records.get(epoch);
        if (record === undefined) throw new EcarError('KEYS_UNAVAILABLE', `no epoch ${epoch}`);
        this.#holdCurrent(here);
        return makeVoucher(record, here.enclave.id, here.enclave.signing.seed) as unknown as JsonValue;
      }
      case Confidential.recordVoucher: {
        const voucher = parseVoucher(first);
        const vouchers = this.#vouchers.get(voucher.epoch) ?? new Map<string, Voucher>();
        vouchers.set(voucher.enclave, voucher);
        this.#vouchers.set(voucher.epoch, vouchers);
        return voucher as unknown as JsonValue;
      }
      case Confidential.keyStatus:
        return {
          currentEpoch: this.#currentEpoch,
          records: [...this.#records.values()],
          wraps: [...(this.#wraps.get(this.#currentEpoch)?.values() ?? [])],
          vouchers: [...(this.#vouchers.get(this.#currentEpoch)?.values() ?? [])],
        } as unknown as JsonValue;
      default:
        throw new EcarError('UNKNOWN_FUNCTION', `fake: no ${name}`);
    }
  }

  #wrap(bundle: KeyBundle, recipient: RegistryRecord, sender: TestEnclave): KeyWrap {
    return wrapBundle(
      bundle,
      { enclave: recipient.id, boxPublicKey: fromB64(recipient.boxPublicKey, 'box', 'INTERNAL', 32) },
      { enclave: sender.id, boxSecretKey: sender.box.secretKey },
    );
  }

  /** The enclave imports the current epoch from its wrap when it does not hold it yet. */
  #holdCurrent(here: FakeEnclave): KeyBundle {
    if (here.bundle?.epochs.has(this.#currentEpoch) === true) return here.bundle;
    const wrap = this.#wraps.get(this.#currentEpoch)?.get(here.enclave.id);
    if (wrap === undefined) throw new EcarError('KEYS_UNAVAILABLE', 'no key wrap for this enclave');
    const sender = this.#registry.get(wrap.from);
    if (sender === undefined) throw new EcarError('KEYS_UNAVAILABLE', 'wrap from an unregistered enclave');
    here.bundle = unwrapBundle(
      wrap,
      fromB64(sender.boxPublicKey, 'box', 'INTERNAL', 32),
      here.enclave.box.secretKey,
    );
    return here.bundle;
  }
}
