// Quote collateral in the Intel PCCS shape (the JSON of shared/testdata/attestation): issuer chains as
// PEM, CRLs as hex DER, TCB info and QE identity as the exact signed JSON text with hex r||s signatures.
import { EcarError } from '../errors';
import { parsePemCertificates, type Certificate } from './certificates';
import { parseCrl, type Crl } from './crl';
import { JsonReader } from './json-reader';
import { parseQeIdentity, type QeIdentity } from './qe-identity';
import { parseTcbInfo, type TcbInfo } from './tcb-info';

/** The collateral as it travels (JSON field names of the PCCS shape). */
export interface CollateralJson {
  readonly pck_crl_issuer_chain: string;
  readonly root_ca_crl: string;
  readonly pck_crl: string;
  readonly tcb_info_issuer_chain: string;
  readonly tcb_info: string;
  readonly tcb_info_signature: string;
  readonly qe_identity_issuer_chain: string;
  readonly qe_identity: string;
  readonly qe_identity_signature: string;
}

/** Parsed collateral; signatures and chains are not verified yet (that is verifyQuote's job). */
export interface Collateral {
  readonly pckCrlIssuerChain: readonly Certificate[];
  readonly rootCaCrl: Crl;
  readonly pckCrl: Crl;
  readonly tcbInfoIssuerChain: readonly Certificate[];
  /** The exact signed text and its parsed form. */
  readonly tcbInfoText: string;
  readonly tcbInfo: TcbInfo;
  /** r||s, 64 bytes. */
  readonly tcbInfoSignature: Uint8Array;
  readonly qeIdentityIssuerChain: readonly Certificate[];
  readonly qeIdentityText: string;
  readonly qeIdentity: QeIdentity;
  readonly qeIdentitySignature: Uint8Array;
}

const CODE = 'ATTESTATION_COLLATERAL_INVALID';

/**
 * Parses collateral from its JSON text (a string) or an already parsed JSON value.
 *
 * @throws EcarError ATTESTATION_COLLATERAL_INVALID naming the bad field.
 */
export function parseCollateral(input: unknown): Collateral {
  const json =
    typeof input === 'string'
      ? JsonReader.parse(input, 'collateral', CODE)
      : new JsonReader(input, 'collateral', CODE);
  const chain = (key: keyof CollateralJson): Certificate[] =>
    parsePemCertificates(json.string(key), CODE, key);
  const tcbInfoText = json.string('tcb_info');
  const qeIdentityText = json.string('qe_identity');
  return {
    pckCrlIssuerChain: chain('pck_crl_issuer_chain'),
    rootCaCrl: parseCrl(derFromHexOrPem(json, 'root_ca_crl'), 'root CA CRL'),
    pckCrl: parseCrl(derFromHexOrPem(json, 'pck_crl'), 'PCK CRL'),
    tcbInfoIssuerChain: chain('tcb_info_issuer_chain'),
    tcbInfoText,
    tcbInfo: parseTcbInfo(tcbInfoText),
    tcbInfoSignature: json.hex('tcb_info_signature', 64),
    qeIdentityIssuerChain: chain('qe_identity_issuer_chain'),
    qeIdentityText,
    qeIdentity: parseQeIdentity(qeIdentityText),
    qeIdentitySignature: json.hex('qe_identity_signature', 64),
  };
}

/** A CRL field: hex DER (the PCCS shape) or, leniently, a PEM X509 CRL block. */
function derFromHexOrPem(json: JsonReader, key: keyof CollateralJson): Uint8Array {
  const text = json.string(key).trim();
  const pem = /^-----BEGIN X509 CRL-----([A-Za-z0-9+/=\s]*)-----END X509 CRL-----$/.exec(text);
  if (pem) return new Uint8Array(Buffer.from((pem[1] ?? '').replace(/\s+/g, ''), 'base64'));
  if (text.length === 0) throw new EcarError(CODE, `collateral.${key} is empty`, { field: key });
  return json.hex(key);
}
