// The channel's block height as a peer reports it (qscc GetChainInfo): an end-to-end check that a
// refused command ordered nothing at all.
import { common } from '@hyperledger/fabric-protos';
import { openGateway } from '../../client/src/fabric/gateway-connection';
import { localIdentity } from '../../scripts/src/network/identities';
import type { Topology } from '../../scripts/src/network/topology';

/** Number of blocks on the channel, read through org1's peer. */
export async function chainHeight(t: Topology): Promise<number> {
  const connection = openGateway(localIdentity(t, 'org1', 'User1'));
  try {
    const qscc = connection.gateway.getNetwork(t.channel).getContract('qscc');
    const info = await qscc.evaluateTransaction('GetChainInfo', t.channel);
    return common.BlockchainInfo.deserializeBinary(info).getHeight();
  } finally {
    connection.close();
  }
}
