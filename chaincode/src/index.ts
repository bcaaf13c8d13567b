// Entry point read by fabric-chaincode-node: the contracts this chaincode serves.
import { HeartbeatContract } from './fabric/heartbeat-contract';
import { LedgerContract } from './fabric/ledger-contract';

export { HeartbeatContract, LedgerContract };
export const contracts = [HeartbeatContract, LedgerContract];
