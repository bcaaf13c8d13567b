// Opens the demo's cast: one confidential ledger session per role of the local network, each over
// its own gateway identity and wallet, all sharing one verified view of the enclaves.
import type { Network } from '@hyperledger/fabric-gateway';
import { ConfidentialLedgerClient, TrustCache } from '../../../client/src/confidential';
import { openGateway } from '../../../client/src/fabric/gateway-connection';
import { openWallet } from '../../../client/src/wallet/wallet-file';
import { readNetworkPolicy } from '../network/confidential-setup';
import { localIdentity } from '../network/identities';
import {
  ensureRoleWallets,
  networkWalletPassphrase,
  ROLE_IDENTITIES,
  ROLES,
  walletPaths,
  type Role,
} from '../network/roles';
import type { Topology } from '../network/topology';
import type { StoryActor } from './story';

export interface CastMember extends StoryActor {
  readonly role: Role;
  readonly mspId: string;
  readonly network: Network;
  readonly confidential: ConfidentialLedgerClient;
}

export interface Cast {
  readonly members: Readonly<Record<Role, CastMember>>;
  close(): void;
}

export async function openCast(t: Topology): Promise<Cast> {
  await ensureRoleWallets(t);
  const passphrase = networkWalletPassphrase(t);
  const policy = readNetworkPolicy(t);
  const trustCache = new TrustCache();
  const closers: (() => void)[] = [];
  const members = {} as Record<Role, CastMember>;
  try {
    for (const role of ROLES) {
      const { org, user } = ROLE_IDENTITIES[role];
      const identity = localIdentity(t, org, user);
      const connection = openGateway(identity);
      closers.push(() => {
        connection.close();
      });
      const wallet = await openWallet(walletPaths.wallet(t, role), passphrase);
      const network = connection.gateway.getNetwork(t.channel);
      const confidential = new ConfidentialLedgerClient({
        network,
        identity: connection.gateway.getIdentity(),
        chaincode: t.chaincode,
        wallet: wallet.keyPair,
        policy,
        trustCache,
      });
      members[role] = {
        role,
        mspId: identity.mspId,
        network,
        confidential,
        ledger: confidential,
        id: wallet.callerId,
      };
    }
  } catch (error) {
    for (const close of closers) close();
    throw error;
  }
  return {
    members,
    close() {
      for (const close of closers) close();
    },
  };
}
