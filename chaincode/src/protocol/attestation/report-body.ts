// The two report bodies a DCAP quote can carry: the SGX enclave report (384 bytes, also the layout of
// the QE report) and the TDX TD report 1.0 (584 bytes). Offsets from Intel's DCAP quote layout.
import { EcarError } from '../errors';
import { u16At } from './bytes';

export const SGX_REPORT_BODY_SIZE = 384;
export const TD_REPORT10_SIZE = 584;

/** An SGX enclave report body. Byte fields are views into the quote. */
export interface SgxReportBody {
  readonly raw: Uint8Array;
  readonly cpuSvn: Uint8Array;
  /** MISCSELECT as its 4 bytes in memory order. */
  readonly miscSelect: Uint8Array;
  /** ATTRIBUTES (flags 8 bytes, then XFRM 8 bytes). */
  readonly attributes: Uint8Array;
  readonly mrEnclave: Uint8Array;
  readonly mrSigner: Uint8Array;
  readonly isvProdId: number;
  readonly isvSvn: number;
  readonly reportData: Uint8Array;
  /** The DEBUG attribute (flags bit 1): the enclave's memory is readable by the host. */
  readonly debug: boolean;
}

/** A TDX TD report 1.0 body. */
export interface TdReport10 {
  readonly raw: Uint8Array;
  /** TEE_TCB_SVN: [0] TDX module ISVSVN, [1] TDX module major version, then the TDX TCB components. */
  readonly teeTcbSvn: Uint8Array;
  readonly mrSeam: Uint8Array;
  readonly mrSignerSeam: Uint8Array;
  readonly seamAttributes: Uint8Array;
  readonly tdAttributes: Uint8Array;
  readonly xfam: Uint8Array;
  readonly mrTd: Uint8Array;
  readonly mrConfigId: Uint8Array;
  readonly mrOwner: Uint8Array;
  readonly mrOwnerConfig: Uint8Array;
  readonly rtmrs: readonly [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  readonly reportData: Uint8Array;
  /** TD_ATTRIBUTES.TUD.DEBUG (bit 0): the TD is debuggable by the host. */
  readonly debug: boolean;
}

export function parseSgxReportBody(raw: Uint8Array, what: string): SgxReportBody {
  if (raw.length !== SGX_REPORT_BODY_SIZE) {
    throw new EcarError('ATTESTATION_FORMAT_INVALID', `${what} must be ${SGX_REPORT_BODY_SIZE} bytes`);
  }
  const attributes = raw.subarray(48, 64);
  return {
    raw,
    cpuSvn: raw.subarray(0, 16),
    miscSelect: raw.subarray(16, 20),
    attributes,
    mrEnclave: raw.subarray(64, 96),
    mrSigner: raw.subarray(128, 160),
    isvProdId: u16At(raw, 256),
    isvSvn: u16At(raw, 258),
    reportData: raw.subarray(320, 384),
    debug: ((attributes[0] as number) & 0x02) !== 0,
  };
}

export function parseTdReport10(raw: Uint8Array, what: string): TdReport10 {
  if (raw.length !== TD_REPORT10_SIZE) {
    throw new EcarError('ATTESTATION_FORMAT_INVALID', `${what} must be ${TD_REPORT10_SIZE} bytes`);
  }
  const field = (offset: number, length: number): Uint8Array => raw.subarray(offset, offset + length);
  const tdAttributes = field(120, 8);
  return {
    raw,
    teeTcbSvn: field(0, 16),
    mrSeam: field(16, 48),
    mrSignerSeam: field(64, 48),
    seamAttributes: field(112, 8),
    tdAttributes,
    xfam: field(128, 8),
    mrTd: field(136, 48),
    mrConfigId: field(184, 48),
    mrOwner: field(232, 48),
    mrOwnerConfig: field(280, 48),
    rtmrs: [field(328, 48), field(376, 48), field(424, 48), field(472, 48)],
    reportData: field(520, 64),
    debug: ((tdAttributes[0] as number) & 0x01) !== 0,
  };
}
