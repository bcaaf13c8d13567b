// TCB level matching as Intel's QVL does it: the PCK certificate's SGX TCB (and, for TDX, the TD
// report's TEE_TCB_SVN and TDX module identity) against the TCB info levels, then the QE's status.
import { EcarError } from '../errors';
import { bytesEqual, isAllZero, toHex } from './bytes';
import type { PckExtension } from './pck-extension';
import type { QeTcb } from './qe-identity';
import type { TdReport10 } from './report-body';
import type { TcbInfo, TcbLevel } from './tcb-info';
import {
  convergeTcbStatus,
  isIdentityTcbStatus,
  isTcbStatus,
  mergeAdvisoryIds,
  type TcbStatus,
} from './tcb-status';

export interface TdxModuleTcb {
  /** "TDX_01" etc., or undefined for module version 0 (no identity levels). */
  readonly identityId: string | undefined;
  readonly status: 'UpToDate' | 'OutOfDate' | 'Revoked';
  readonly advisoryIds: readonly string[];
}

export interface MatchedTcb {
  /** The combined status (platform level, TDX module, QE). */
  readonly status: TcbStatus;
  readonly advisoryIds: readonly string[];
  /** The status of the selected platform level alone (the TDX level for TDX quotes). */
  readonly platformStatus: TcbStatus;
  readonly tcbDate: string;
  readonly sgxLevel: TcbLevel;
  readonly tdxLevel: TcbLevel | undefined;
  readonly tdxModule: TdxModuleTcb | undefined;
}

const CODE = 'ATTESTATION_TCB_REJECTED';

/**
 * Selects the TCB level of the platform and combines the statuses.
 *
 * @param tdReport the TD report for TDX quotes, undefined for SGX quotes.
 * @throws EcarError ATTESTATION_TCB_REJECTED when no level matches (TCB not supported), the TDX module
 *   does not match its identity, or a selected status is unknown.
 */
export function matchTcb(
  tcbInfo: TcbInfo,
  pck: PckExtension,
  tdReport: TdReport10 | undefined,
  qe: QeTcb,
): MatchedTcb {
  let sgxLevel: TcbLevel | undefined;
  let tdxLevel: TcbLevel | undefined;
  for (const level of tcbInfo.tcbLevels) {
    if (!atLeast(pck.sgxTcbComponents, level.sgxComponents, 0) || pck.pceSvn < level.pceSvn) continue;
    sgxLevel ??= level;
    if (!tdReport) break;
    // A TDX module of major version > 0 is judged by its module identity, not by TEE_TCB_SVN[0..1].
    const from = (tdReport.teeTcbSvn[1] as number) > 0 ? 2 : 0;
    if (atLeast([...tdReport.teeTcbSvn], level.tdxComponents ?? [], from)) {
      tdxLevel = level;
      break;
    }
  }
  if (!sgxLevel) {
    throw new EcarError(
      CODE,
      `no TCB level of FMSPC ${tcbInfo.fmspc} matches the platform (SGX components ${pck.sgxTcbComponents.join(',')}, PCE SVN ${pck.pceSvn}): TCB not supported`,
      { check: 'tcb-level' },
    );
  }
  if (tdReport && !tdxLevel) {
    throw new EcarError(
      CODE,
      `no TDX TCB level matches TEE_TCB_SVN ${toHex(tdReport.teeTcbSvn)}: TCB not supported`,
      {
        check: 'tdx-tcb-level',
      },
    );
  }
  const selected = tdxLevel ?? sgxLevel;
  if (!isTcbStatus(selected.status)) {
    throw new EcarError(CODE, `the matching TCB level has an unrecognised status "${selected.status}"`, {
      check: 'tcb-status',
    });
  }
  const tdxModule = tdReport ? matchTdxModule(tcbInfo, tdReport) : undefined;
  let status = selected.status;
  if (tdxModule) status = convergeTcbStatus(status, tdxModule.status);
  status = convergeTcbStatus(status, qe.status);
  return {
    status,
    advisoryIds: mergeAdvisoryIds(selected.advisoryIds, tdxModule?.advisoryIds ?? [], qe.advisoryIds),
    platformStatus: selected.status,
    tcbDate: selected.tcbDate,
    sgxLevel,
    tdxLevel,
    tdxModule,
  };
}

/** The TDX module check: MRSIGNERSEAM and SEAMATTRIBUTES, then the module identity's TCB level. */
function matchTdxModule(tcbInfo: TcbInfo, report: TdReport10): TdxModuleTcb {
  const reject = (why: string): never => {
    throw new EcarError(CODE, `TDX module mismatch: ${why}`, { check: 'tdx-module' });
  };
  const base = tcbInfo.tdxModule ?? reject('the TDX TCB info has no tdxModule');
  const isvSvn = report.teeTcbSvn[0] as number;
  const version = report.teeTcbSvn[1] as number;
  let expected = base;
  let identity: TcbInfo['tdxModuleIdentities'][number] | undefined;
  if (version > 0) {
    const id = `TDX_${version.toString(16).toUpperCase().padStart(2, '0')}`;
    identity = tcbInfo.tdxModuleIdentities.find((m) => m.id.toUpperCase() === id);
    expected = identity ?? reject(`no TDX module identity ${id} in the TCB info`);
  }
  if (!bytesEqual(report.mrSignerSeam, expected.mrSigner)) {
    reject(`MRSIGNERSEAM ${toHex(report.mrSignerSeam)} is not ${toHex(expected.mrSigner)}`);
  }
  if (!isAllZero(report.seamAttributes) || !bytesEqual(report.seamAttributes, expected.attributes)) {
    reject(`SEAMATTRIBUTES ${toHex(report.seamAttributes)} are not zero / not the expected value`);
  }
  if (!identity) return { identityId: undefined, status: 'UpToDate', advisoryIds: [] };
  const level = identity.tcbLevels.find((l) => isvSvn >= l.isvSvn);
  if (!level)
    return reject(`module ISVSVN ${isvSvn} is below every level of ${identity.id}: TCB not supported`);
  if (!isIdentityTcbStatus(level.status))
    return reject(`module level status "${level.status}" is not recognised`);
  return { identityId: identity.id, status: level.status, advisoryIds: level.advisoryIds };
}

/** Every component from `from` on is >= the level's (missing level components count as 0). */
function atLeast(actual: readonly number[], required: readonly number[], from: number): boolean {
  for (let i = from; i < 16; i++) if ((actual[i] ?? 0) < (required[i] ?? 0)) return false;
  return true;
}
