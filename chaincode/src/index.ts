// Entry point read by fabric-chaincode-node: the contracts this chaincode serves.
import { ConfidentialContract } from './fabric/confidential-contract';
import { HeartbeatContract } from './fabric/heartbeat-contract';
import { LedgerContract } from './fabric/ledger-contract';

export { ConfidentialContract, HeartbeatContract, LedgerContract };
export const contracts = [HeartbeatContract, LedgerContract, ConfidentialContract];
