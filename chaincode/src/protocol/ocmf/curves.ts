// The elliptic curves OCMF names for meter keys (OCMF table 23), with the names OpenSSL and X.509 use.

/** Curve names as this project spells them (SEC 2 / RFC 5639 names). */
export const CURVE_NAMES = [
  'secp192r1',
  'secp192k1',
  'secp256r1',
  'secp256k1',
  'secp384r1',
  'brainpoolP256r1',
  'brainpoolP384r1',
] as const;

export type CurveName = (typeof CURVE_NAMES)[number];

export interface Curve {
  readonly name: CurveName;
  /** The spelling in OCMF signature method identifiers (table 22), e.g. "brainpool256r1". */
  readonly ocmfName: string;
  /** Node's / OpenSSL's name (`crypto.getCurves()`, `asymmetricKeyDetails.namedCurve`). */
  readonly nodeName: string;
  /** The named-curve OBJECT IDENTIFIER used in SubjectPublicKeyInfo. */
  readonly oid: string;
  /** Bytes of the group order n, i.e. of each of r and s in a signature (and of a coordinate). */
  readonly fieldBytes: number;
}

export const CURVES: Readonly<Record<CurveName, Curve>> = {
  secp192r1: {
    name: 'secp192r1',
    ocmfName: 'secp192r1',
    nodeName: 'prime192v1',
    oid: '1.2.840.10045.3.1.1',
    fieldBytes: 24,
  },
  secp192k1: {
    name: 'secp192k1',
    ocmfName: 'secp192k1',
    nodeName: 'secp192k1',
    oid: '1.3.132.0.31',
    fieldBytes: 24,
  },
  secp256r1: {
    name: 'secp256r1',
    ocmfName: 'secp256r1',
    nodeName: 'prime256v1',
    oid: '1.2.840.10045.3.1.7',
    fieldBytes: 32,
  },
  secp256k1: {
    name: 'secp256k1',
    ocmfName: 'secp256k1',
    nodeName: 'secp256k1',
    oid: '1.3.132.0.10',
    fieldBytes: 32,
  },
  secp384r1: {
    name: 'secp384r1',
    ocmfName: 'secp384r1',
    nodeName: 'secp384r1',
    oid: '1.3.132.0.34',
    fieldBytes: 48,
  },
  brainpoolP256r1: {
    name: 'brainpoolP256r1',
    ocmfName: 'brainpool256r1',
    nodeName: 'brainpoolP256r1',
    oid: '1.3.36.3.3.2.8.1.1.7',
    fieldBytes: 32,
  },
  brainpoolP384r1: {
    name: 'brainpoolP384r1',
    ocmfName: 'brainpool384r1',
    nodeName: 'brainpoolP384r1',
    oid: '1.3.36.3.3.2.8.1.1.11',
    fieldBytes: 48,
  },
};

/** The curve Node reports for a key (`prime256v1` → secp256r1), if OCMF knows it. */
export function curveFromNodeName(nodeName: string | undefined): Curve | undefined {
  return Object.values(CURVES).find((curve) => curve.nodeName === nodeName);
}

/** The curve named in an OCMF identifier, accepting the "brainpoolP256r1" spelling meters also use. */
export function curveFromOcmfName(text: string): Curve | undefined {
  return Object.values(CURVES).find((curve) => curve.ocmfName === text || curve.name === text);
}
