// `ecar attest verify`: checks a DCAP quote with its collateral (Intel's checks at a time) and the
// attestation policy, and prints what the quote proves.
import { readFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import {
  appraise,
  DEFAULT_POLICY,
  parsePolicy,
  trustAnchorsFor,
  verifyQuote,
  type AttestationPolicy,
  type PolicyVerdict,
  type VerifiedQuote,
} from '../../../chaincode/src/protocol/attestation';
import { isoSeconds, parseIsoSeconds } from '../../../chaincode/src/protocol/attestation/json-reader';
import { action, processDeps, type CliDeps } from './context';
import { explainOffline } from './errors';
import { CommandFailed, fields } from './output';

interface VerifyOptions {
  readonly quote: string;
  readonly collateral: string;
  readonly at?: Date;
  readonly policy?: string;
  readonly reportData?: Uint8Array;
  readonly json?: boolean;
}

/** The result `ecar attest verify --json` prints (Uint8Array fields as hex). */
export interface AttestVerifyResult extends VerifiedQuote {
  readonly ok: boolean;
  readonly verifiedAt: string;
  readonly policy: PolicyVerdict;
}

const EXAMPLE = `
Example:
  $ ecar attest verify --quote sgx-v3.quote.bin --collateral sgx-v3.collateral.json \\
      --at 2025-07-01T00:00:00Z --report-data 48656c6c6f2c20776f726c6421

FILE may be binary or hex text. The collateral is the Intel PCCS JSON shape (pck_crl_issuer_chain,
root_ca_crl, pck_crl, tcb_info, tcb_info_signature, qe_identity, ...). Without --policy the default
applies: Intel's checks pass, no debug enclave, no simulated evidence, TCB status UpToDate,
SWHardeningNeeded, ConfigurationNeeded or ConfigurationAndSWHardeningNeeded, any measurement.
Exit code 0 only when every check and the policy pass.`;

/** Registers the `attest` command group. */
export function registerAttest(program: Command, deps: CliDeps = processDeps()): void {
  const attest = program.command('attest').description('Remote attestation: verify enclave evidence');
  attest
    .command('verify')
    .description(
      'Verify an Intel SGX / TDX DCAP quote with its collateral, then apply the attestation policy',
    )
    .requiredOption('--quote <file>', 'the quote, binary or hex text')
    .requiredOption('--collateral <file>', 'the collateral JSON (Intel PCCS shape)')
    .option('--at <iso8601>', 'verify at this time instead of now, e.g. 2025-07-01T00:00:00Z', parseTime)
    .option('--policy <file>', 'attestation policy JSON (default: the built-in policy)')
    .option(
      '--report-data <hex>',
      'expected report_data, hex of up to 64 bytes (zero-padded to 64)',
      parseReportData,
    )
    .option('--json', 'print JSON for machines')
    .addHelpText('after', EXAMPLE)
    .action(
      action(
        deps,
        (_ctx, options: VerifyOptions) => Promise.resolve(verify(options, deps)),
        render,
        explainOffline,
      ),
    );
}

function verify(options: VerifyOptions, deps: CliDeps): AttestVerifyResult {
  const at = options.at ?? new Date();
  const policy: AttestationPolicy =
    options.policy === undefined ? DEFAULT_POLICY : parsePolicy(readText(options.policy, '--policy'));
  const quote = readBinaryOrHex(options.quote, '--quote');
  const collateral = readText(options.collateral, '--collateral');
  const verified = verifyQuote(quote, collateral, { at, trustAnchors: trustAnchorsFor(policy) });
  const verdict = appraise(verified, policy, options.reportData ? { reportData: options.reportData } : {});
  const result: AttestVerifyResult = {
    ok: verdict.accepted,
    verifiedAt: isoSeconds(Math.floor(at.getTime() / 1000)),
    ...verified,
    policy: verdict,
  };
  if (!verdict.accepted) {
    if (!options.json) deps.stdout(`${render(result)}\n`);
    const [first] = verdict.failures;
    const reasons = verdict.failures.map((f) => f.reason).join('; ');
    throw new CommandFailed(
      `${first?.code ?? 'ATTESTATION_POLICY_REJECTED'}: policy rejects the enclave: ${reasons}`,
      result,
    );
  }
  return result;
}

function render(result: AttestVerifyResult): string {
  const hex = (bytes: Uint8Array | undefined): string => (bytes ? Buffer.from(bytes).toString('hex') : '-');
  const verdict = result.policy.accepted
    ? 'ACCEPTED'
    : `REJECTED: ${result.policy.failures.map((f) => f.reason).join('; ')}`;
  const sgx = result.teeType === 'SGX';
  const entries: [string, string][] = [
    ['verdict', verdict],
    ['TEE type', `${result.teeType} (quote v${result.quoteVersion})`],
    ['TCB status', result.tcbStatus],
    ['advisory ids', result.advisoryIds.join(', ') || 'none'],
    ['debug', result.debug ? 'YES (debug enclave)' : 'no'],
    [sgx ? 'MRENCLAVE' : 'MRTD', hex(result.measurement)],
  ];
  if (sgx) {
    entries.push(['MRSIGNER', hex(result.mrSigner)]);
    entries.push(['product id / SVN', `${result.productId ?? '-'} / ${result.svn ?? '-'}`]);
  }
  entries.push(
    ['report_data', hex(result.reportData)],
    ['FMSPC', result.fmspc],
    ['root', `${result.trustAnchor.name}${result.trustAnchor.simulated ? ' (SIMULATED)' : ''}`],
    [
      'collateral valid',
      `${isoSeconds(result.collateral.validFrom.getTime() / 1000)} .. ${isoSeconds(result.collateral.validUntil.getTime() / 1000)} (${result.collateral.expiresFirst} expires first)`,
    ],
    ['verified at', result.verifiedAt],
  );
  for (const note of result.policy.notes) entries.push(['note', note]);
  return fields(entries);
}

function parseTime(value: string): Date {
  const seconds = parseIsoSeconds(value);
  if (seconds === undefined)
    throw new InvalidArgumentError('expected an ISO 8601 time like 2025-07-01T00:00:00Z');
  return new Date(Date.parse(value));
}

function parseReportData(value: string): Uint8Array {
  const clean = value.replace(/^0x/i, '');
  if (!/^([0-9a-fA-F]{2}){1,64}$/.test(clean))
    throw new InvalidArgumentError('expected hex of 1 to 64 bytes');
  const out = new Uint8Array(64);
  out.set(Buffer.from(clean, 'hex'));
  return out;
}

function readFile(path: string, option: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const why = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    throw new EcarError('INVALID_ARGUMENT', `cannot read ${option} ${path} (${why})`, { option });
  }
}

function readText(path: string, option: string): string {
  return readFile(path, option).toString('utf8');
}

/** A file holding the bytes themselves or their hex (whitespace and a 0x prefix allowed). */
function readBinaryOrHex(path: string, option: string): Uint8Array {
  const bytes = readFile(path, option);
  const text = bytes.toString('latin1').trim().replace(/^0x/i, '');
  if (text.length > 0 && /^[0-9a-fA-F\s]+$/.test(text)) {
    const digits = text.replace(/\s+/g, '');
    if (digits.length % 2 === 0) return new Uint8Array(Buffer.from(digits, 'hex'));
  }
  return new Uint8Array(bytes);
}
