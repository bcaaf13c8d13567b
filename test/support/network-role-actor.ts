// An end-to-end actor that is one of the network's roles: the wallet `deploy` created for the role
// (scripts/src/network/roles.ts) over the role's cryptogen user, so suites agree on who the operator is.
import { walletCallerId } from '../../chaincode/src/protocol/confidential/api';
import { ConfidentialLedgerClient } from '../../client/src/confidential';
import { openGateway } from '../../client/src/fabric/gateway-connection';
import { openWallet } from '../../client/src/wallet/wallet-file';
import { readNetworkPolicy } from '../../scripts/src/network/confidential-setup';
import { localIdentity } from '../../scripts/src/network/identities';
import {
  networkWalletPassphrase,
  ROLE_IDENTITIES,
  walletPaths,
  type Role,
} from '../../scripts/src/network/roles';
import type { Topology } from '../../scripts/src/network/topology';
import type { Actor } from './ledger-actors';

/** Connects as the network's `role` (its wallet and its Fabric user), confidential mode. */
export async function openRoleActor(t: Topology, role: Role): Promise<Actor> {
  const { org, user } = ROLE_IDENTITIES[role];
  const wallet = await openWallet(walletPaths.wallet(t, role), networkWalletPassphrase(t));
  const identity = localIdentity(t, org, user);
  const connection = openGateway(identity);
  const network = connection.gateway.getNetwork(t.channel);
  return {
    label: `${role} (${user}@${org})`,
    mspId: identity.mspId,
    ledger: new ConfidentialLedgerClient({
      network,
      identity: connection.gateway.getIdentity(),
      chaincode: t.chaincode,
      wallet: wallet.keyPair,
      policy: readNetworkPolicy(t),
    }),
    network,
    expectedId: walletCallerId(wallet.keyPair.publicKey),
    close: () => {
      connection.close();
    },
  };
}
