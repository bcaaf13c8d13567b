// The one place that turns a profile (and, in confidential mode, a wallet) into a LedgerClient, and
// that asks for the enclaves' attestation status. Plaintext mode wraps the 'ledger' contract with
// FabricLedgerClient; confidential mode uses ConfidentialLedgerClient (client/src/confidential) with
// the profile's attestation policy, adapted here so a change of its API is a change of this file only.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  parsePolicy,
  requirePinnedPolicy,
  type AttestationPolicy,
} from '../../../chaincode/src/protocol/attestation';
import type { SigningKeyPair } from '../../../chaincode/src/protocol/confidential/primitives';
import { attestationStatus, ConfidentialLedgerClient, type AttestationReport } from '../confidential';
import { openGateway, type GatewayConnection } from '../fabric/gateway-connection';
import { FabricLedgerClient, type LedgerClient } from '../fabric/ledger-client';
import type { LedgerMode, Profile } from '../profile/profile';
import { ProfileError } from '../profile/profile-error';
import { WalletError } from '../wallet/wallet-error';

/** The wallet for confidential mode, or how to unlock it (asked only when the mode needs it). */
export type WalletSource = SigningKeyPair | (() => Promise<SigningKeyPair>);

export interface LedgerSession {
  readonly ledger: LedgerClient;
  readonly mode: LedgerMode;
  /** Closes the gateway connection; safe to call twice. */
  close(): void;
}

/** What `ecar attest status` shows for one registered enclave. */
export interface EnclaveStatus {
  readonly id: string;
  readonly mspId: string;
  readonly measurement: string;
  readonly tcbStatus: string;
  /** Key epoch the enclave vouched for, if any. */
  readonly epoch: number | null;
  readonly verified: boolean;
  /** Why not, when not verified. */
  readonly reason: string | null;
}

export interface AttestationStatusReport {
  readonly verifiedAt: string;
  /** Every check passed: enough orgs with verified enclaves vouch for the current keys. */
  readonly trusted: boolean;
  readonly currentEpoch: number | null;
  readonly enclaves: readonly EnclaveStatus[];
  /** Why the set is not trusted (empty when trusted). */
  readonly problems: readonly string[];
  /** Rejected enclaves that neither hold the keys nor vouched: harmless now, worth fixing. */
  readonly warnings: readonly string[];
}

/**
 * Opens a ledger session as the profile's user.
 *
 * @example
 * const session = await openLedgerSession(loadProfile({ home: ecarHome() }), () => unlockWallet());
 * try {
 *   console.log(await session.ledger.evaluate('getBalance', {}));
 * } finally {
 *   session.close();
 * }
 * @throws ProfileError when an identity, TLS or policy file cannot be read or is not what it should be.
 * @throws WalletError when confidential mode has no wallet or it does not open.
 * Network and ledger errors surface on the first call, as the LedgerClient documents.
 */
export async function openLedgerSession(profile: Profile, wallet?: WalletSource): Promise<LedgerSession> {
  if (profile.mode === 'confidential') return openConfidentialSession(profile, wallet);
  const connection = connect(profile);
  const network = connection.gateway.getNetwork(profile.channel);
  return session(
    new FabricLedgerClient({ contract: network.getContract(profile.chaincode, 'ledger') }),
    'plaintext',
    connection,
  );
}

/**
 * The attestation state the profile's client sees: every registered enclave, verified against the
 * profile's policy at `now`.
 * @throws ProfileError when the profile names no (valid) policy file; EcarError / GatewayError when the
 *   ledger cannot be read.
 */
export async function readAttestationStatus(profile: Profile, now: Date): Promise<AttestationStatusReport> {
  const policy = readPolicy(profile);
  const connection = connect(profile);
  try {
    const network = connection.gateway.getNetwork(profile.channel);
    return toStatusReport(await attestationStatus({ network, chaincode: profile.chaincode }, policy, now));
  } finally {
    connection.close();
  }
}

async function openConfidentialSession(
  profile: Profile,
  wallet: WalletSource | undefined,
): Promise<LedgerSession> {
  const policy = readPolicy(profile);
  if (wallet === undefined) {
    throw new WalletError('WALLET_MISSING', `confidential mode needs a wallet for profile '${profile.name}'`);
  }
  const key = typeof wallet === 'function' ? await wallet() : wallet;
  const connection = connect(profile);
  const network = connection.gateway.getNetwork(profile.channel);
  const ledger = new ConfidentialLedgerClient({
    network,
    identity: connection.gateway.getIdentity(),
    chaincode: profile.chaincode,
    wallet: key,
    policy,
  });
  return session(ledger, 'confidential', connection);
}

function toStatusReport(report: AttestationReport): AttestationStatusReport {
  const epochOf = (holdsKeys: boolean): number | null => (holdsKeys ? report.currentEpoch : null);
  return {
    verifiedAt: report.checkedAt,
    trusted: report.trusted,
    currentEpoch: report.currentEpoch,
    enclaves: report.enclaves.map((e) => ({
      id: e.id,
      mspId: e.mspId,
      measurement: e.measurement,
      tcbStatus: e.tcbStatus,
      epoch: epochOf(e.holdsKeys),
      verified: e.accepted,
      reason: e.accepted ? null : e.reasons.join('; ') || (e.reason ?? 'not accepted'),
    })),
    problems: report.failures.map((f) => `${f.subject}: ${f.reason}`),
    warnings: report.warnings.map((f) => `${f.subject}: ${f.reason}`),
  };
}

/** The profile's attestation policy (required for anything confidential). */
function readPolicy(profile: Profile): AttestationPolicy {
  if (profile.policy === undefined) {
    throw new ProfileError(
      'PROFILE_INVALID',
      `profile '${profile.name}' names no attestation policy: ecar init --profile ${profile.name} --policy FILE`,
      { file: profile.file, profile: profile.name, field: 'policy' },
    );
  }
  const text = Buffer.from(readProfileFile(profile, 'policy', profile.policy)).toString('utf8');
  try {
    // confidential mode trusts only pinned enclave code
    return requirePinnedPolicy(parsePolicy(text));
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new ProfileError(
      'PROFILE_INVALID',
      `profile '${profile.name}': policy file ${profile.policy} is not a valid attestation policy (${why})`,
      { file: profile.file, profile: profile.name, field: 'policy' },
    );
  }
}

function session(ledger: LedgerClient, mode: LedgerMode, connection: GatewayConnection): LedgerSession {
  let open = true;
  return {
    ledger,
    mode,
    close() {
      if (!open) return;
      open = false;
      connection.close();
    },
  };
}

function connect(profile: Profile): GatewayConnection {
  const tlsRootCert = readProfileFile(profile, 'tlsRootCert', profile.tlsRootCert);
  const certificate = readProfileFile(profile, 'certificate', profile.certificate);
  const privateKey = readProfileFile(profile, 'privateKey', profile.privateKey);
  const pem = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');
  if (!pem(tlsRootCert).includes('-----BEGIN CERTIFICATE-----')) {
    throw invalidFile(profile, 'tlsRootCert', 'is not a PEM certificate');
  }
  try {
    new X509Certificate(Buffer.from(certificate));
  } catch {
    throw invalidFile(profile, 'certificate', 'is not an X.509 certificate (PEM)');
  }
  try {
    createPrivateKey(Buffer.from(privateKey));
  } catch {
    throw invalidFile(profile, 'privateKey', 'is not a PEM private key');
  }
  return openGateway({
    endpoint: profile.endpoint,
    tlsRootCert,
    ...(profile.tlsServerName === undefined ? {} : { tlsServerName: profile.tlsServerName }),
    mspId: profile.mspId,
    certificate,
    privateKey,
  });
}

function invalidFile(
  profile: Profile,
  field: 'tlsRootCert' | 'certificate' | 'privateKey',
  what: string,
): ProfileError {
  const path = profile[field];
  return new ProfileError('PROFILE_INVALID', `profile '${profile.name}': ${field} file ${path} ${what}`, {
    file: profile.file,
    profile: profile.name,
    field,
  });
}

function readProfileFile(profile: Profile, field: string, path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    throw new ProfileError(
      'PROFILE_INVALID',
      `profile '${profile.name}': cannot read ${field} file ${path} (${code})`,
      {
        file: profile.file,
        profile: profile.name,
        field,
      },
    );
  }
}
