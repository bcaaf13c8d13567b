// Differential test against pyocmf: our OCMF verifier must give pyocmf's verdict on every signature,
// its value in Wh for every reading, and for every transaction its energy or a refusal for the same
// reason (the Eichrecht errors that match one of our pairing rules).
// The cases come from test/pyocmf/generate_cases.py; scripts/test-pyocmf.sh makes them and runs this.
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { EcarError } from '../../chaincode/src/protocol/errors';
import {
  formatExact,
  pairReadings,
  verifyOcmfRecord,
  type PairingRule,
  type VerifiedOcmfRecord,
} from '../../chaincode/src/protocol/ocmf';

interface PyocmfFindings {
  readonly signatures: readonly { readonly valid: boolean; readonly error?: string }[];
  /** Per record, per reading (after field inheritance): TX and the value in Wh. */
  readonly readings?: readonly (readonly { readonly TX: string | null; readonly wh: string | null }[])[];
  /** The codes of the Eichrecht errors pyocmf reports for the transaction (empty: billable). */
  readonly billingErrors?: readonly string[];
  /** end - begin in Wh of the readings pyocmf selects; absent when it selects none. */
  readonly energyWh?: string;
}

interface Case {
  readonly id: number;
  readonly description: string;
  readonly records: readonly string[];
  readonly public_key: string;
  readonly tampered: string | null;
  readonly pyocmf: PyocmfFindings;
}

interface CaseFile {
  readonly seed: number;
  readonly pyocmf: string;
  readonly cryptography: string;
  readonly cases: readonly Case[];
}

interface Disagreement {
  readonly caseId: number;
  readonly what: string;
  readonly pyocmf: string;
  readonly ours: string;
}

interface Tally {
  signatures: number;
  valid: number;
  invalid: number;
  readings: number;
  energies: number;
  /** Transactions both refused, by our rule. */
  refusals: Record<string, number>;
}

const CASES_ENV = 'ECAR_PYOCMF_CASES';
/** Below these the run proves too little to count, whatever it agreed on. */
const MIN_CASES = 1000;
const MIN_SHARE = 0.2;

function loadCases(): CaseFile {
  const file = process.env[CASES_ENV];
  if (file === undefined || file === '') {
    throw new Error(`${CASES_ENV} is not set: run the cross-check with 'npm run test:pyocmf'`);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as CaseFile;
}

/** Our verdict on one record: the verified record, or the typed error that refused it. */
function verifyOurs(record: string, publicKey: string): VerifiedOcmfRecord | EcarError {
  try {
    return verifyOcmfRecord(record, publicKey);
  } catch (error) {
    if (error instanceof EcarError) return error;
    // Anything but a typed refusal is a crash, never a verdict.
    throw new Error(`verifyOcmfRecord threw ${String(error)}`, { cause: error });
  }
}

function describeOurs(result: VerifiedOcmfRecord | EcarError): string {
  return result instanceof EcarError ? `invalid (${result.message})` : 'valid';
}

function checkCase(c: Case, tally: Tally): Disagreement[] {
  const found: Disagreement[] = [];
  const disagree = (what: string, pyocmf: string, ours: string): void => {
    found.push({ caseId: c.id, what, pyocmf, ours });
  };
  const ours = c.records.map((record) => verifyOurs(record, c.public_key));
  c.pyocmf.signatures.forEach((theirs, i) => {
    const mine = ours[i];
    if (mine === undefined) {
      disagree(`record ${i}`, 'a verdict', 'no record');
      return;
    }
    tally.signatures++;
    tally[theirs.valid ? 'valid' : 'invalid']++;
    if (theirs.valid === !(mine instanceof EcarError)) return;
    disagree(
      `signature of record ${i}`,
      theirs.valid ? 'valid' : `invalid (${theirs.error ?? 'signature does not verify'})`,
      describeOurs(mine),
    );
  });
  const verified = ours.filter((r): r is VerifiedOcmfRecord => !(r instanceof EcarError));
  if (verified.length !== c.records.length || c.pyocmf.readings === undefined) return found;
  found.push(...compareReadings(c, verified, tally));
  found.push(...compareBilling(c, verified, tally));
  return found;
}

function compareReadings(c: Case, verified: readonly VerifiedOcmfRecord[], tally: Tally): Disagreement[] {
  const found: Disagreement[] = [];
  (c.pyocmf.readings ?? []).forEach((theirs, i) => {
    const mine = verified[i]?.payload.readings ?? [];
    const show = (r: { TX: string | null; wh: string | null }): string => `${r.TX ?? '-'} ${r.wh ?? '-'} Wh`;
    const mineShown = mine.map((r) => ({
      TX: r.transaction ?? null,
      wh: r.value?.wh === undefined ? null : formatExact(r.value.wh),
    }));
    tally.readings += theirs.length;
    if (JSON.stringify(mineShown) !== JSON.stringify(theirs)) {
      found.push({
        caseId: c.id,
        what: `readings of record ${i}`,
        pyocmf: theirs.map(show).join(', '),
        ours: mineShown.map(show).join(', '),
      });
    }
  });
  return found;
}

/** pyocmf's Eichrecht errors and the pairing rule of ours that refuses the same transaction. */
const SAME_RULE: Readonly<Record<string, PairingRule>> = {
  METER_STATUS: 'METER_STATUS',
  ERROR_FLAGS: 'ERROR_FLAGS',
  TIME_REGRESSION: 'TIME_ORDER',
  VALUE_REGRESSION: 'END_BELOW_BEGIN',
  ID_LEVEL_INVALID: 'IDENTIFICATION',
  TIME_SYNC: 'TIME_SYNC',
};

type OurBilling = { readonly energy: string } | { readonly rule: string; readonly message: string };

function billOurs(verified: readonly VerifiedOcmfRecord[]): OurBilling {
  try {
    return {
      energy: `${formatExact(pairReadings(verified[0] as VerifiedOcmfRecord, verified[1]).energyWh)} Wh`,
    };
  } catch (error) {
    if (!(error instanceof EcarError)) throw error;
    return { rule: String(error.details.rule), message: error.message };
  }
}

/** Billable by both with the same energy, or refused by both for the same reason. */
function compareBilling(c: Case, verified: readonly VerifiedOcmfRecord[], tally: Tally): Disagreement[] {
  const errors = c.pyocmf.billingErrors ?? [];
  const ours = billOurs(verified);
  const oursShown = 'energy' in ours ? `billable, ${ours.energy}` : `not billable (${ours.message})`;
  const disagree = (pyocmf: string): Disagreement[] => [
    { caseId: c.id, what: 'billing', pyocmf, ours: oursShown },
  ];
  if (errors.length === 0) {
    if (c.pyocmf.energyWh === undefined) return disagree('billable, but no begin/end pair selected');
    const theirs = `${c.pyocmf.energyWh} Wh`;
    if ('energy' in ours && ours.energy === theirs) {
      tally.energies++;
      return [];
    }
    return disagree(`billable, ${theirs}`);
  }
  const rules = errors.map((code) => SAME_RULE[code]);
  if ('rule' in ours && rules.includes(ours.rule as PairingRule)) {
    tally.refusals[ours.rule] = (tally.refusals[ours.rule] ?? 0) + 1;
    return [];
  }
  return disagree(`not billable (${errors.join(', ')})`);
}

function report(c: Case | undefined, d: Disagreement): string {
  return [
    `case ${d.caseId}: ${c?.description ?? ''}`,
    `  ${d.what}: pyocmf says ${d.pyocmf}; we say ${d.ours}`,
    `  public key: ${c?.public_key ?? ''}`,
    ...(c?.records ?? []).map((r, i) => `  record ${i}: ${JSON.stringify(r)}`),
  ].join('\n');
}

describe('OCMF verifier against pyocmf (differential)', function () {
  this.timeout(120_000);

  it('agrees with pyocmf on every signature, reading value, transaction energy and refusal', function () {
    const file = loadCases();
    const tally: Tally = { signatures: 0, valid: 0, invalid: 0, readings: 0, energies: 0, refusals: {} };
    const disagreements = file.cases.flatMap((c) => checkCase(c, tally));
    const byId = new Map(file.cases.map((c) => [c.id, c]));
    console.log(
      `    pyocmf ${file.pyocmf} (cryptography ${file.cryptography}), seed ${file.seed}: ` +
        `${file.cases.length} cases, ${tally.signatures} signatures (${tally.valid} valid, ` +
        `${tally.invalid} invalid), ${tally.readings} readings, ${tally.energies} energies, refused by both: ` +
        `${JSON.stringify(tally.refusals)}; ${disagreements.length} disagreements`,
    );
    for (const d of disagreements.slice(0, 50)) console.log(report(byId.get(d.caseId), d));
    if (disagreements.length > 50) console.log(`    ... and ${disagreements.length - 50} more`);

    expect(disagreements, `${disagreements.length} disagreements with pyocmf (listed above)`).to.have.length(
      0,
    );
    expect(file.cases.length, 'cases').to.be.at.least(MIN_CASES);
    expect(tally.valid, 'valid signatures').to.be.at.least(tally.signatures * MIN_SHARE);
    expect(tally.invalid, 'invalid signatures').to.be.at.least(tally.signatures * MIN_SHARE * 0.5);
    expect(tally.energies, 'energies compared').to.be.at.least(file.cases.length * MIN_SHARE);
    for (const rule of Object.values(SAME_RULE)) {
      expect(tally.refusals[rule] ?? 0, `transactions refused by ${rule}`).to.be.greaterThan(0);
    }
  });
});
