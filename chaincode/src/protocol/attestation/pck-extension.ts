// The Intel SGX extension of a PCK leaf certificate (OID 1.2.840.113741.1.13.1): the platform's FMSPC,
// PCE id and the TCB it was certified at (16 SGX TCB component SVNs, PCE SVN, CPUSVN).
import { EcarError } from '../errors';
import {
  derChildren,
  derOid,
  DerTag,
  derUnsignedInteger,
  expectTag,
  readDerExact,
  type DerNode,
} from '../der';
import { toHex } from './bytes';
import type { Certificate } from './certificates';

export const OID_SGX_EXTENSION = '1.2.840.113741.1.13.1';

export type SgxType = 'Standard' | 'Scalable' | 'ScalableWithIntegrity' | `Unknown(${number})`;

export interface PckExtension {
  readonly ppid: Uint8Array;
  /** The 16 SGX TCB component SVNs (…13.1.2.1 to …13.1.2.16). */
  readonly sgxTcbComponents: readonly number[];
  readonly pceSvn: number;
  readonly cpuSvn: Uint8Array;
  /** PCE id, upper-case hex (2 bytes). */
  readonly pceId: string;
  /** FMSPC, upper-case hex (6 bytes), as TCB info writes it. */
  readonly fmspc: string;
  readonly sgxType: SgxType;
}

const CODE = 'ATTESTATION_FORMAT_INVALID';

/** Reads the SGX extension of a PCK leaf certificate. */
export function parsePckExtension(certificate: Certificate): PckExtension {
  const extension = certificate.extensions.get(OID_SGX_EXTENSION);
  if (!extension) {
    throw new EcarError(CODE, `PCK certificate "${certificate.subject.commonName}" has no SGX extension`);
  }
  const entries = readEntries(readDerExact(extension.value, CODE), 'SGX extension');
  const tcb = readEntries(required(entries, '2', 'TCB'), 'SGX TCB');
  const sgxTcbComponents: number[] = [];
  for (let i = 1; i <= 16; i++)
    sgxTcbComponents.push(smallInteger(required(tcb, `2.${i}`, `SGX TCB component ${i}`)));
  const sgxType = smallInteger(required(entries, '5', 'SGX type'));
  return {
    ppid: octets(required(entries, '1', 'PPID')),
    sgxTcbComponents,
    pceSvn: smallInteger(required(tcb, '2.17', 'PCE SVN')),
    cpuSvn: octets(required(tcb, '2.18', 'CPUSVN')),
    pceId: hexOf(required(entries, '3', 'PCE-ID'), 2),
    fmspc: hexOf(required(entries, '4', 'FMSPC'), 6),
    sgxType:
      sgxType === 0
        ? 'Standard'
        : sgxType === 1
          ? 'Scalable'
          : sgxType === 2
            ? 'ScalableWithIntegrity'
            : `Unknown(${sgxType})`,
  };
}

/** SEQUENCE OF SEQUENCE { OID, value } as a map from the OID's tail below the SGX extension OID. */
function readEntries(node: DerNode, what: string): Map<string, DerNode> {
  const entries = new Map<string, DerNode>();
  for (const entry of derChildren(expectTag(node, DerTag.SEQUENCE, what, CODE), CODE)) {
    const [oidNode, value] = derChildren(expectTag(entry, DerTag.SEQUENCE, `${what} entry`, CODE), CODE);
    const oid = derOid(expectTag(oidNode, DerTag.OID, `${what} entry OID`, CODE), CODE);
    if (!value || !oid.startsWith(`${OID_SGX_EXTENSION}.`)) continue;
    entries.set(oid.slice(OID_SGX_EXTENSION.length + 1), value);
  }
  return entries;
}

function required(entries: Map<string, DerNode>, key: string, what: string): DerNode {
  const node = entries.get(key);
  if (!node) throw new EcarError(CODE, `PCK certificate SGX extension lacks ${what}`);
  return node;
}

function smallInteger(node: DerNode): number {
  if ((node.tag !== DerTag.INTEGER && node.tag !== DerTag.ENUMERATED) || node.content.length > 3) {
    throw new EcarError(CODE, 'PCK certificate SGX extension has a malformed integer');
  }
  return Number(derUnsignedInteger(node));
}

function octets(node: DerNode): Uint8Array {
  return expectTag(node, DerTag.OCTET_STRING, 'OCTET STRING', CODE).content;
}

function hexOf(node: DerNode, length: number): string {
  const bytes = octets(node);
  if (bytes.length !== length)
    throw new EcarError(CODE, `PCK certificate SGX extension field must be ${length} bytes`);
  return toHex(bytes).toUpperCase();
}
