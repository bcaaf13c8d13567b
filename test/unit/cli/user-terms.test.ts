// Ledger reasons read at the CLI name the flags, commands and tokens a person sees.
import { expect } from 'chai';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import { explainError } from '../../../client/src/cli/errors';
import { inUserTerms } from '../../../client/src/cli/user-terms';

describe('inUserTerms', () => {
  it('names --from for startAt and says what to do', () => {
    expect(inUserTerms('startAt must be in the future', 'startAt')).to.equal(
      '--from must be in the future; give a --from after now, in UTC like 2026-05-01T18:00:00Z',
    );
  });

  it('finds the field at the start of the reason when the details did not travel', () => {
    expect(inUserTerms('address.country must be 2-2 characters long')).to.equal(
      '--country must be exactly 2 characters long; give --country as the two-letter ISO code, e.g. DE',
    );
  });

  it('shows a limit in minor units as tokens, for the flag', () => {
    expect(inUserTerms('holdAmount must be at most 100000 minor units', 'holdAmount')).to.match(
      /^--hold must be at most 1000\.00 tokens; choose a --hold within/,
    );
  });

  it('names the command for a transaction', () => {
    expect(
      inUserTerms('an ENERGY price needs a pinned OCMF meter on the station; pin one with pinMeter first'),
    ).to.equal(
      "an ENERGY price needs a pinned OCMF meter on the station; pin one with 'ecar station pin-meter' first",
    );
  });

  it('leaves words that only contain a field name alone', () => {
    expect(inUserTerms("no station 'amount-1'")).to.equal("no station 'amount-1'");
  });
});

describe('explainError in user terms', () => {
  it('keeps the code and details while the sentence names the flag', () => {
    const error = new EcarError('INVALID_ARGUMENT', 'startAt must be in the future', { field: 'startAt' });
    const explained = explainError(error);
    expect(explained.code).to.equal('INVALID_ARGUMENT');
    expect(explained.details).to.deep.equal(['field: startAt']);
    expect(explained.message).to.match(/^invalid input: --from must be in the future/);
    expect(explained.message).not.to.include('startAt');
  });

  it('does not tell a driver refused at their own station to switch profiles', () => {
    const error = new EcarError(
      'FORBIDDEN',
      'charging at your own station is allowed only for drivers other than the host',
    );
    const message = explainError(error, { profile: 'driver' }).message;
    expect(message).to.equal(
      'not allowed: charging at your own station is allowed only for drivers other than the host',
    );
  });

  it("names the role's profile when the refusal is for a role", () => {
    const error = new EcarError('FORBIDDEN', 'mint is allowed only for the issuer');
    expect(explainError(error, { profile: 'driver' }).message).to.match(
      /^not allowed: 'ecar issuer mint' is allowed only for the issuer; run it with the profile of the issuer's wallet \(--profile NAME\) \('driver' is not\)/,
    );
  });
});
