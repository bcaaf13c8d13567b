// The process-wide enclave: configuration, identity, attestation provider, sealer and key manager,
// created once (lazily, at the first confidential call) and shared by every transaction. Each
// contract function of api.ts has one method here; the Fabric contract only adapts arguments.
import { readFileSync } from 'node:fs';
import type { TransactionKind } from '../domain/transactions';
import type { Clock, MeterVerifier } from '../ports';
import { enclaveReportData } from '../protocol/attestation';
import { loadDevelopmentPlatform } from './simulated-platform-file';
import type {
  EnclaveEvidence,
  GenesisProposal,
  GenesisRecord,
  KeyStatus,
  PolicyProposal,
  PolicyRecord,
  RegistryRecord,
  RotationProposal,
} from '../protocol/confidential/api';
import { toB64 } from '../protocol/confidential/encoding';
import type { KeyRecord, KeyWrap, Voucher } from '../protocol/confidential/key-record';
import {
  parseKeyStatusChallenge,
  signKeyStatus,
  type SignedKeyStatus,
} from '../protocol/confidential/key-status-statement';
import { EcarError } from '../protocol/errors';
import { ocmfMeterVerifier } from '../protocol/ocmf/meter-verifier';
import type { AttestationProvider } from './attestation-provider';
import { readEnclaveConfig, requireFoundingOrgs, type EnclaveConfig } from './config';
import { runConfidential } from './entry-point';
import * as genesis from './genesis';
import { gramineProvider } from './gramine-provider';
import { loadOrCreateIdentity, type EnclaveIdentity } from './identity';
import { KeyManager } from './key-manager';
import * as rotation from './key-rotation';
import { requireOrgAdmin, type EnclaveTx } from './ledger-state';
import { chaincodeMeasurement } from '../protocol/attestation/measurement';
import * as governance from './policy-governance';
import * as registry from './registry';
import { gramineSealer, SealedFiles, simulatedSealer, type Sealer } from './sealing';
import { simulatedProvider } from './simulated-provider';
import { SealedStateStore } from './sealed-store';
import { pruneNonces, type PruneOutcome } from './nonce-guard';
import { systemWallClock, trustedClock, type WallClock } from './trusted-time';

export interface EnclaveRuntimeParts {
  readonly config: EnclaveConfig;
  readonly sealer: Sealer;
  readonly provider: AttestationProvider;
  /** Default: the real OCMF verifier. */
  readonly meter?: MeterVerifier;
  /** The enclave's own clock, that transaction times are held against; default the host's clock. */
  readonly wallClock?: WallClock;
}

export class EnclaveRuntime {
  readonly config: EnclaveConfig;
  readonly identity: EnclaveIdentity;
  readonly keys: KeyManager;
  readonly #provider: AttestationProvider;
  readonly #meter: MeterVerifier;
  readonly #wallClock: WallClock;

  constructor(parts: EnclaveRuntimeParts) {
    this.config = parts.config;
    this.#wallClock = parts.wallClock ?? systemWallClock;
    this.#provider = parts.provider;
    this.#meter = parts.meter ?? ocmfMeterVerifier;
    const files = new SealedFiles(parts.config.enclaveDir, parts.sealer);
    this.identity = loadOrCreateIdentity(files);
    this.keys = new KeyManager({ identity: this.identity, files, chaincode: parts.config.chaincode });
  }

  /**
   * The transaction's clock once its time is within the configured skew of this enclave's clock.
   *
   * @throws EcarError CLOCK_SKEW otherwise.
   */
  trustedClock(clock: Clock): Clock {
    return trustedClock(clock, this.config.clockSkewMs, this.#wallClock);
  }

  /**
   * enclaveEvidence: this enclave's identity keys bound into a fresh quote, with the collateral as the
   * provider has it now (Gramine: the operator's current collateral file), so re-registering after a
   * collateral refresh needs no restart.
   */
  enclaveEvidence(): EnclaveEvidence {
    const { channel, chaincode, mspId } = this.config;
    const reportData = enclaveReportData({
      boxPub: this.identity.box.publicKey,
      signPub: this.identity.signing.publicKey,
      channel,
      chaincode,
      mspId,
    });
    const { provider, quote, collateral } = this.#provider.evidence(reportData);
    return {
      v: 1,
      provider,
      mspId,
      channel,
      chaincode,
      boxPublicKey: toB64(this.identity.box.publicKey),
      signingPublicKey: toB64(this.identity.signing.publicKey),
      quote: toB64(quote),
      collateral,
    };
  }

  async registerEnclave(tx: EnclaveTx, evidenceJson: unknown): Promise<RegistryRecord> {
    requireOrgAdmin(tx.submitter, 'registerEnclave');
    const { policy } = await governance.requirePolicy(tx.state);
    return registry.registerEnclave(tx, evidenceJson, { chaincode: this.config.chaincode, policy });
  }

  listEnclaves(tx: EnclaveTx): Promise<RegistryRecord[]> {
    return registry.listEnclaves(tx.state);
  }

  /** approveGenesis: needs ECAR_FOUNDING_ORGS (governance refuses without it). */
  async approveGenesis(tx: EnclaveTx, genesisJson: unknown): Promise<GenesisProposal | GenesisRecord> {
    return genesis.approveGenesis(tx, genesisJson, requireFoundingOrgs(this.config));
  }

  getGenesis(tx: EnclaveTx): Promise<GenesisRecord> {
    return genesis.getGenesis(tx);
  }

  async proposePolicy(tx: EnclaveTx, policyJson: unknown): Promise<PolicyRecord | PolicyProposal> {
    return governance.proposePolicy(tx, policyJson, requireFoundingOrgs(this.config));
  }

  async approvePolicy(tx: EnclaveTx, proposalId: unknown): Promise<PolicyRecord | PolicyProposal> {
    return governance.approvePolicy(tx, proposalId, requireFoundingOrgs(this.config));
  }

  async proposeRotation(tx: EnclaveTx): Promise<RotationProposal> {
    const founding = requireFoundingOrgs(this.config);
    return rotation.proposeRotation(tx, await this.keys.currentEpoch(tx.state), founding);
  }

  async approveRotation(tx: EnclaveTx, proposalId: unknown): Promise<RotationProposal> {
    const founding = requireFoundingOrgs(this.config);
    return rotation.approveRotation(tx, proposalId, await this.keys.currentEpoch(tx.state), founding);
  }

  getPolicy(tx: EnclaveTx): Promise<PolicyRecord> {
    return governance.getPolicy(tx);
  }

  createKeys(tx: EnclaveTx): Promise<KeyRecord> {
    return this.keys.createKeys(tx);
  }

  publishKeys(tx: EnclaveTx, recordJson: unknown): Promise<KeyRecord> {
    return this.keys.publishKeys(tx, recordJson);
  }

  shareKeys(tx: EnclaveTx, idsJson: unknown): Promise<KeyWrap[]> {
    return this.keys.shareKeys(tx, idsJson);
  }

  vouchKeys(tx: EnclaveTx, epoch: unknown): Promise<Voucher> {
    return this.keys.vouchKeys(tx, epoch);
  }

  recordVoucher(tx: EnclaveTx, voucherJson: unknown): Promise<Voucher> {
    return this.keys.recordVoucher(tx, voucherJson);
  }

  keyStatus(tx: EnclaveTx): Promise<KeyStatus> {
    return this.keys.keyStatus(tx.state);
  }

  /** attestedKeyStatus: the key status this enclave reads, stated and signed with its identity key. */
  async attestedKeyStatus(tx: EnclaveTx, challenge: unknown): Promise<SignedKeyStatus> {
    const checked = parseKeyStatusChallenge(challenge);
    const keyStatus = await this.keys.keyStatus(tx.state);
    return signKeyStatus(
      {
        channel: tx.channel,
        chaincode: this.config.chaincode,
        mspId: this.config.mspId,
        enclave: this.identity.id,
        challenge: checked,
        keyStatus,
      },
      this.identity.signing.seed,
    );
  }

  /** pruneNonces: an org admin removes the nonce records of requests expired more than twice the skew ago. */
  async pruneNonces(tx: EnclaveTx): Promise<PruneOutcome> {
    requireOrgAdmin(tx.submitter, 'pruneNonces');
    const epoch = await this.keys.currentEpoch(tx.state);
    if (epoch === 0) throw new EcarError('KEYS_UNAVAILABLE', 'no chaincode keys are published yet');
    const bundle = await this.keys.bundleFor(tx.state, epoch);
    const store = new SealedStateStore(tx.state, { bundle, epoch, txId: tx.clock.txId });
    return pruneNonces(store, tx.clock);
  }

  /** submit / evaluate: the confidential entry point. */
  run(tx: EnclaveTx, kind: TransactionKind, envelopeText: unknown): Promise<string> {
    return runConfidential(tx, kind, envelopeText, {
      keys: this.keys,
      chaincode: this.config.chaincode,
      meter: this.#meter,
    });
  }
}

/** Builds the runtime the configuration asks for: its provider and its sealer. */
export function createEnclaveRuntime(config: EnclaveConfig, meter?: MeterVerifier): EnclaveRuntime {
  if (config.provider === 'gramine') {
    const collateralFile = config.collateralFile;
    if (collateralFile === undefined) throw new EcarError('INTERNAL', 'ECAR_COLLATERAL_FILE is not set');
    return new EnclaveRuntime({
      config,
      sealer: gramineSealer(),
      provider: gramineProvider({ collateralFile }),
      ...(meter === undefined ? {} : { meter }),
    });
  }
  const { simulatedPlatformFile, simulatedCpuSecretFile } = config;
  if (simulatedPlatformFile === undefined || simulatedCpuSecretFile === undefined) {
    throw new EcarError(
      'INTERNAL',
      'the simulated provider needs ECAR_SIMULATED_PLATFORM and ECAR_SIMULATED_CPU_SECRET',
    );
  }
  const platform = loadDevelopmentPlatform(simulatedPlatformFile);
  let cpuSecret: Uint8Array;
  try {
    cpuSecret = new Uint8Array(readFileSync(simulatedCpuSecretFile));
  } catch {
    throw new EcarError('INTERNAL', `cannot read the simulated CPU secret ECAR_SIMULATED_CPU_SECRET`);
  }
  // one measurement for both: the sealing key is bound to exactly what the quote attests
  const measurement = new Uint8Array(Buffer.from(chaincodeMeasurement(config.codeRoot), 'hex'));
  return new EnclaveRuntime({
    config,
    sealer: simulatedSealer(cpuSecret, measurement),
    provider: simulatedProvider({ platform, measurement, debug: config.simulatedDebug }),
    ...(meter === undefined ? {} : { meter }),
  });
}

let processRuntime: EnclaveRuntime | undefined;

/** The process-wide enclave, created from the environment at the first call. */
export function enclaveRuntime(): EnclaveRuntime {
  processRuntime ??= createEnclaveRuntime(readEnclaveConfig());
  return processRuntime;
}
