// Intel TCB info (v2 SGX, v3 SGX and TDX): the TCB levels of one FMSPC, parsed from the exact JSON
// text whose signature the verifier checks. Levels are sorted highest first, as Intel's QVL does.
import { JsonReader } from './json-reader';

export interface TcbLevel {
  /** The 16 SGX TCB component SVNs. */
  readonly sgxComponents: readonly number[];
  readonly pceSvn: number;
  /** The 16 TDX TCB component SVNs (TDX TCB info only). */
  readonly tdxComponents: readonly number[] | undefined;
  readonly tcbDate: string;
  /** As written; validated when the level is selected (unknown statuses must not break parsing). */
  readonly status: string;
  readonly advisoryIds: readonly string[];
}

export interface TdxModuleIdentityLevel {
  readonly isvSvn: number;
  readonly status: string;
  readonly advisoryIds: readonly string[];
}

export interface TdxModuleIdentity {
  readonly id: string;
  readonly mrSigner: Uint8Array;
  readonly attributes: Uint8Array;
  readonly attributesMask: Uint8Array;
  readonly tcbLevels: readonly TdxModuleIdentityLevel[];
}

export interface TcbInfo {
  readonly id: 'SGX' | 'TDX';
  readonly version: number;
  /** issueDate / nextUpdate in whole seconds since the epoch. */
  readonly issueDate: number;
  readonly nextUpdate: number;
  /** Upper-case hex. */
  readonly fmspc: string;
  readonly pceId: string;
  readonly tcbEvaluationDataNumber: number;
  readonly tdxModule: Omit<TdxModuleIdentity, 'id' | 'tcbLevels'> | undefined;
  readonly tdxModuleIdentities: readonly TdxModuleIdentity[];
  readonly tcbLevels: readonly TcbLevel[];
}

const CODE = 'ATTESTATION_COLLATERAL_INVALID';

/** Parses the `tcb_info` JSON text (the signed body, not the PCS envelope `{tcbInfo, signature}`). */
export function parseTcbInfo(text: string): TcbInfo {
  const json = JsonReader.parse(text, 'tcb_info', CODE);
  const version = json.integer('version');
  if (version !== 2 && version !== 3) throw json.fail('version', `${version} is not supported (2 and 3 are)`);
  const id = version === 2 ? 'SGX' : json.string('id');
  if (id !== 'SGX' && id !== 'TDX') throw json.fail('id', `"${id}" is not SGX or TDX`);
  const isTdx = id === 'TDX';
  const tcbLevels = json.objects('tcbLevels').map((level) => parseTcbLevel(level, version, isTdx));
  if (tcbLevels.length === 0) throw json.fail('tcbLevels', 'is empty');
  return {
    id,
    version,
    issueDate: json.time('issueDate'),
    nextUpdate: json.time('nextUpdate'),
    fmspc: toUpperHex(json.hex('fmspc', 6)),
    pceId: toUpperHex(json.hex('pceId', 2)),
    tcbEvaluationDataNumber: json.has('tcbEvaluationDataNumber')
      ? json.integer('tcbEvaluationDataNumber')
      : 0,
    tdxModule: isTdx && json.has('tdxModule') ? parseModule(json.object('tdxModule')) : undefined,
    tdxModuleIdentities: isTdx
      ? json.optionalArray('tdxModuleIdentities').length > 0
        ? json.objects('tdxModuleIdentities').map((m) => ({
            id: m.string('id'),
            ...parseModule(m),
            tcbLevels: m.objects('tcbLevels').map((level) => ({
              isvSvn: level.object('tcb').integer('isvsvn', 0, 255),
              status: level.string('tcbStatus'),
              advisoryIds: level.has('advisoryIDs') ? level.strings('advisoryIDs') : [],
            })),
          }))
        : []
      : [],
    tcbLevels: [...tcbLevels].sort(compareLevels),
  };
}

function parseTcbLevel(level: JsonReader, version: number, isTdx: boolean): TcbLevel {
  const tcb = level.object('tcb');
  let sgxComponents: number[];
  let tdxComponents: number[] | undefined;
  if (version === 2) {
    sgxComponents = Array.from({ length: 16 }, (_, i) =>
      tcb.integer(`sgxtcbcomp${String(i + 1).padStart(2, '0')}svn`, 0, 255),
    );
  } else {
    sgxComponents = componentSvns(tcb, 'sgxtcbcomponents');
    tdxComponents = isTdx ? componentSvns(tcb, 'tdxtcbcomponents') : undefined;
  }
  return {
    sgxComponents,
    pceSvn: tcb.integer('pcesvn', 0, 65535),
    tdxComponents,
    tcbDate: level.string('tcbDate'),
    status: level.string('tcbStatus'),
    advisoryIds: level.has('advisoryIDs') ? level.strings('advisoryIDs') : [],
  };
}

function componentSvns(tcb: JsonReader, key: string): number[] {
  const components = tcb.objects(key);
  if (components.length !== 16) throw tcb.fail(key, `must have 16 components, has ${components.length}`);
  return components.map((c) => c.integer('svn', 0, 255));
}

function parseModule(module: JsonReader): Omit<TdxModuleIdentity, 'id' | 'tcbLevels'> {
  return {
    mrSigner: module.hex('mrsigner', 48),
    attributes: module.hex('attributes', 8),
    attributesMask: module.hex('attributesMask', 8),
  };
}

/** Highest first: SGX components (lexicographic), then PCE SVN, then TDX components. */
function compareLevels(a: TcbLevel, b: TcbLevel): number {
  return (
    compareSvns(b.sgxComponents, a.sgxComponents) ||
    b.pceSvn - a.pceSvn ||
    compareSvns(b.tdxComponents ?? [], a.tdxComponents ?? [])
  );
}

function compareSvns(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

function toUpperHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase();
}
