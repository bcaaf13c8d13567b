// Entry point read by fabric-chaincode-node: the contracts this chaincode serves.
import { HeartbeatContract } from './fabric/heartbeat-contract';

export { HeartbeatContract };
export const contracts = [HeartbeatContract];
