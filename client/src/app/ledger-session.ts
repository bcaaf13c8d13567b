// The one place that turns a profile (and, in confidential mode, a wallet) into a LedgerClient, and
// that asks for the enclaves' attestation status. Plaintext mode wraps the 'ledger' contract with
// FabricLedgerClient; confidential mode is the confidential client's job (client/src/confidential),
// adapted here so a change of its API is a change of this file only.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SigningKeyPair } from '../../../chaincode/src/protocol/confidential/primitives';
import { openGateway, type GatewayConnection } from '../fabric/gateway-connection';
import { FabricLedgerClient, type LedgerClient } from '../fabric/ledger-client';
import type { LedgerMode, Profile } from '../profile/profile';
import { ProfileError } from '../profile/profile-error';

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
  readonly problems: readonly string[];
}

/** Confidential mode (or the attestation status) was asked for, but this build has no confidential client. */
export class ConfidentialClientUnavailable extends Error {
  readonly code = 'CONFIDENTIAL_UNAVAILABLE';
  constructor(
    readonly profile: string,
    readonly feature: 'ledger' | 'attestation' = 'ledger',
  ) {
    super(
      feature === 'ledger'
        ? `profile '${profile}' uses confidential mode, but this build of ecar has no confidential client yet; ` +
            `use a plaintext profile for now (ecar init --profile ${profile} --mode plaintext)`
        : 'attestation status needs the confidential client, which this build of ecar does not have yet; skipped',
    );
    this.name = 'ConfidentialClientUnavailable';
  }
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
 * @throws ProfileError when an identity or TLS file cannot be read.
 * @throws ConfidentialClientUnavailable in confidential mode while client/src/confidential is missing.
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
 * @throws ConfidentialClientUnavailable while client/src/confidential is missing.
 */
export function readAttestationStatus(profile: Profile, _now: Date): Promise<AttestationStatusReport> {
  return Promise.reject(new ConfidentialClientUnavailable(profile.name, 'attestation'));
}

function openConfidentialSession(
  profile: Profile,
  _wallet: WalletSource | undefined,
): Promise<LedgerSession> {
  return Promise.reject(new ConfidentialClientUnavailable(profile.name));
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
