// Asserts that a call throws an EcarError and returns it, so tests can check code and details.
import { expect } from 'chai';
import { EcarError, type ErrorCode } from '../../../../chaincode/src/protocol/errors';

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
