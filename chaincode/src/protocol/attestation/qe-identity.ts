// Intel QE identity (enclave identity v2 of the SGX QE or the TD QE): which quoting enclave Intel
// vouches for, and the TCB status of its ISVSVN. Matched against the QE report inside the quote.
import { EcarError } from '../errors';
import { toHex } from './bytes';
import { JsonReader } from './json-reader';
import type { SgxReportBody } from './report-body';
import { isIdentityTcbStatus, type IdentityTcbStatus } from './tcb-status';

export interface QeIdentityLevel {
  readonly isvSvn: number;
  readonly tcbDate: string;
  readonly status: string;
  readonly advisoryIds: readonly string[];
}

export interface QeIdentity {
  /** "QE" for SGX quotes, "TD_QE" for TDX quotes ("QVE" identities are not quote collateral). */
  readonly id: string;
  readonly version: number;
  readonly issueDate: number;
  readonly nextUpdate: number;
  readonly tcbEvaluationDataNumber: number;
  readonly miscSelect: Uint8Array;
  readonly miscSelectMask: Uint8Array;
  readonly attributes: Uint8Array;
  readonly attributesMask: Uint8Array;
  readonly mrSigner: Uint8Array;
  readonly isvProdId: number;
  /** Highest ISVSVN first. */
  readonly tcbLevels: readonly QeIdentityLevel[];
}

export interface QeTcb {
  readonly status: IdentityTcbStatus;
  readonly advisoryIds: readonly string[];
  readonly isvSvn: number;
}

const CODE = 'ATTESTATION_COLLATERAL_INVALID';

/** Parses the `qe_identity` JSON text (the signed body). */
export function parseQeIdentity(text: string): QeIdentity {
  const json = JsonReader.parse(text, 'qe_identity', CODE);
  const version = json.integer('version');
  if (version !== 2) throw json.fail('version', `${version} is not supported (2 is)`);
  const tcbLevels = json.objects('tcbLevels').map((level) => ({
    isvSvn: level.object('tcb').integer('isvsvn', 0, 65535),
    tcbDate: level.string('tcbDate'),
    status: level.string('tcbStatus'),
    advisoryIds: level.has('advisoryIDs') ? level.strings('advisoryIDs') : [],
  }));
  if (tcbLevels.length === 0) throw json.fail('tcbLevels', 'is empty');
  return {
    id: json.string('id'),
    version,
    issueDate: json.time('issueDate'),
    nextUpdate: json.time('nextUpdate'),
    tcbEvaluationDataNumber: json.has('tcbEvaluationDataNumber')
      ? json.integer('tcbEvaluationDataNumber')
      : 0,
    miscSelect: json.hex('miscselect', 4),
    miscSelectMask: json.hex('miscselectMask', 4),
    attributes: json.hex('attributes', 16),
    attributesMask: json.hex('attributesMask', 16),
    mrSigner: json.hex('mrsigner', 32),
    isvProdId: json.integer('isvprodid', 0, 65535),
    tcbLevels: [...tcbLevels].sort((a, b) => b.isvSvn - a.isvSvn),
  };
}

/**
 * Checks the QE report against the identity (MRSIGNER, ISVPRODID, masked MISCSELECT and ATTRIBUTES)
 * and returns the QE's TCB status from its ISVSVN.
 *
 * @throws EcarError ATTESTATION_TCB_REJECTED when the QE is not the one Intel describes or its ISVSVN
 *   is below every level.
 */
export function matchQeIdentity(qeReport: SgxReportBody, identity: QeIdentity): QeTcb {
  const reject = (why: string, check: string): never => {
    throw new EcarError(
      'ATTESTATION_TCB_REJECTED',
      `quoting enclave does not match the QE identity: ${why}`,
      {
        check,
      },
    );
  };
  if (toHex(qeReport.mrSigner) !== toHex(identity.mrSigner)) {
    reject(`MRSIGNER ${toHex(qeReport.mrSigner)} is not ${toHex(identity.mrSigner)}`, 'qe-mrsigner');
  }
  if (qeReport.isvProdId !== identity.isvProdId) {
    reject(`ISVPRODID ${qeReport.isvProdId} is not ${identity.isvProdId}`, 'qe-isvprodid');
  }
  if (!maskedEqual(qeReport.miscSelect, identity.miscSelect, identity.miscSelectMask)) {
    reject('MISCSELECT differs under the mask', 'qe-miscselect');
  }
  if (!maskedEqual(qeReport.attributes, identity.attributes, identity.attributesMask)) {
    reject('ATTRIBUTES differ under the mask', 'qe-attributes');
  }
  const level = identity.tcbLevels.find((l) => qeReport.isvSvn >= l.isvSvn);
  if (!level) {
    return reject(`ISVSVN ${qeReport.isvSvn} is below every TCB level`, 'qe-isvsvn');
  }
  if (!isIdentityTcbStatus(level.status)) {
    return reject(`TCB level status "${level.status}" is not recognised`, 'qe-status');
  }
  return { status: level.status, advisoryIds: level.advisoryIds, isvSvn: qeReport.isvSvn };
}

function maskedEqual(actual: Uint8Array, expected: Uint8Array, mask: Uint8Array): boolean {
  for (let i = 0; i < mask.length; i++) {
    const m = mask[i] as number;
    if (((actual[i] as number) & m) !== ((expected[i] as number) & m)) return false;
  }
  return true;
}
