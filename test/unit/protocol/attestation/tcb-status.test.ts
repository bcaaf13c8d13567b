// convergeTcbStatus / mergeAdvisoryIds: how QE and TDX module statuses combine with the platform's.
import { expect } from 'chai';
import {
  convergeTcbStatus,
  mergeAdvisoryIds,
  type TcbStatus,
} from '../../../../chaincode/src/protocol/attestation/tcb-status';

describe('convergeTcbStatus', () => {
  const cases: [TcbStatus, 'UpToDate' | 'OutOfDate' | 'Revoked', TcbStatus][] = [
    ['UpToDate', 'UpToDate', 'UpToDate'],
    ['ConfigurationAndSWHardeningNeeded', 'UpToDate', 'ConfigurationAndSWHardeningNeeded'],
    ['UpToDate', 'OutOfDate', 'OutOfDate'],
    ['SWHardeningNeeded', 'OutOfDate', 'OutOfDate'],
    ['ConfigurationNeeded', 'OutOfDate', 'OutOfDateConfigurationNeeded'],
    ['ConfigurationAndSWHardeningNeeded', 'OutOfDate', 'OutOfDateConfigurationNeeded'],
    ['OutOfDateConfigurationNeeded', 'OutOfDate', 'OutOfDateConfigurationNeeded'],
    ['UpToDate', 'Revoked', 'Revoked'],
  ];
  for (const [platform, identity, expected] of cases) {
    it(`gives ${expected} for platform ${platform} and identity ${identity}`, () => {
      expect(convergeTcbStatus(platform, identity)).to.equal(expected);
    });
  }
});

describe('mergeAdvisoryIds', () => {
  it('keeps the first occurrence order and drops duplicates', () => {
    expect(mergeAdvisoryIds(['A', 'B'], ['B', 'C'], ['A'])).to.deep.equal(['A', 'B', 'C']);
  });
});
