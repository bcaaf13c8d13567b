// Test helpers for the attestation suites: the shared DCAP vectors, byte mutations and an assertion
// that returns the thrown EcarError so tests can check code and details.
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { EcarError, type ErrorCode } from '../../../../chaincode/src/protocol/errors';
import type { CollateralJson } from '../../../../chaincode/src/protocol/attestation';
import { testdataPath } from '../../../support/testdata';

export const INSIDE_SGX_WINDOW = new Date('2025-07-01T00:00:00Z');

export function quoteBytes(name: 'sgx-v3' | 'sgx-v3-debug' | 'tdx-v4'): Uint8Array {
  return new Uint8Array(readFileSync(testdataPath('attestation', `${name}.quote.bin`)));
}

export function collateralText(name: 'sgx-v3' | 'tdx-v4'): string {
  return readFileSync(testdataPath('attestation', `${name}.collateral.json`), 'utf8');
}

export function collateralJson(name: 'sgx-v3' | 'tdx-v4'): CollateralJson {
  return JSON.parse(collateralText(name)) as CollateralJson;
}

/** A copy with one byte XOR-ed. */
export function flipByte(bytes: Uint8Array, offset: number, mask = 0x01): Uint8Array {
  const copy = new Uint8Array(bytes);
  copy[offset] = (copy[offset] as number) ^ mask;
  return copy;
}

/** A copy of a hex string with one byte (at a byte offset) XOR-ed. */
export function flipHexByte(hex: string, offset: number, mask = 0x01): string {
  return Buffer.from(flipByte(new Uint8Array(Buffer.from(hex, 'hex')), offset, mask)).toString('hex');
}

export function expectEcarError(run: () => unknown, code: ErrorCode): EcarError {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(EcarError);
    expect((error as EcarError).code).to.equal(code, (error as EcarError).message);
    return error as EcarError;
  }
  throw new Error(`expected EcarError ${code}, nothing was thrown`);
}

/** A small deterministic PRNG (mulberry32) so fuzz cases are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function hex(bytes: Uint8Array | undefined): string {
  return bytes ? Buffer.from(bytes).toString('hex') : '';
}
