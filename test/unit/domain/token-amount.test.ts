// Amounts people type in tokens become exact minor units: no floats, no rounding, clear refusals.
import { expect } from 'chai';
import { parseTokenAmount, TokenAmountError } from '../../../chaincode/src/protocol/units';

describe('parseTokenAmount', () => {
  const EXACT: readonly (readonly [string, bigint])[] = [
    ['34.90', 3490n],
    ['34.9', 3490n],
    ['35', 3500n],
    ['0.01', 1n],
    ['0', 0n],
    ['0.40', 40n],
    // beyond 2^53: a float would lose the last digits
    ['123456789012345678.99', 12345678901234567899n],
  ];
  for (const [text, minor] of EXACT) {
    it(`reads '${text}' as ${minor.toString()} minor units`, () => {
      expect(parseTokenAmount(text)).to.equal(minor);
    });
  }

  it('refuses more decimals than the token has, naming both counts', () => {
    expect(() => parseTokenAmount('34.905'))
      .to.throw(TokenAmountError)
      .with.property('message')
      .that.matches(/'34\.905' has 3 decimals but the token has 2/);
  });

  for (const bad of ['', '-5', '1,50', '.5', '5.', '1e3', ' 5', '0x10', '12.5.0']) {
    it(`refuses '${bad}' with an example of what works`, () => {
      expect(() => parseTokenAmount(bad))
        .to.throw(TokenAmountError)
        .with.property('message')
        .that.includes('e.g. 34.90');
    });
  }

  it('follows the fraction digits it is given', () => {
    expect(parseTokenAmount('1.5', 3)).to.equal(1500n);
    expect(() => parseTokenAmount('1.5', 0)).to.throw(TokenAmountError);
  });
});
