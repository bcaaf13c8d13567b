// readSafeXml against hostile files: every one gets a METER_FORMAT_INVALID refusal naming what is
// wrong, before any entity is expanded and within bounded time and memory.
import { expect } from 'chai';
import { EcarError } from '../../../chaincode/src/protocol/errors';
import { readSafeXml, SAFE_XML_LIMITS } from '../../../client/src/meter/safe-xml';

function refusal(xml: string): EcarError {
  try {
    readSafeXml(xml);
  } catch (error) {
    expect(error).to.be.instanceOf(EcarError);
    return error as EcarError;
  }
  throw new Error('expected a refusal');
}

const LOL =
  '<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
  '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">';

const HOSTILE: [string, () => string, RegExp][] = [
  [
    'billion laughs (nested entities)',
    () =>
      `<?xml version="1.0"?><!DOCTYPE v [${LOL}]><values><value><signedData>&lol3;</signedData></value></values>`,
    /DTD or entity declaration/,
  ],
  [
    'an external entity (XXE)',
    () =>
      '<?xml version="1.0"?><!DOCTYPE v [<!ENTITY e SYSTEM "file:///etc/passwd">]>' +
      '<values><value><signedData>&e;</signedData></value></values>',
    /DTD or entity declaration/,
  ],
  ['a DTD in lower case', () => '<!doctype values><values></values>', /DTD or entity declaration/],
  ['a file over the size limit', () => ' '.repeat(SAFE_XML_LIMITS.length + 1), /too large/],
  [
    'a megabyte attribute value',
    () => `<values><value context="${'A'.repeat(1024 * 1024)}"><signedData>x</signedData></value></values>`,
    /attribute value is longer/,
  ],
  [
    'too many <value> elements',
    () =>
      `<values>${'<value><signedData>x</signedData></value>'.repeat(SAFE_XML_LIMITS.values + 1)}</values>`,
    /<value> elements/,
  ],
  [
    'too many attributes',
    () =>
      `<values><value ${Array.from({ length: SAFE_XML_LIMITS.attributes + 1 }, (_, i) => `a${i}="1"`).join(' ')}>` +
      '<signedData>x</signedData></value></values>',
    /attributes/,
  ],
  [
    'elements nested 100000 deep',
    () => `<values>${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</values>`,
    /cannot be read|not well-formed/,
  ],
  ['a truncated file', () => '<values><value><signedData>OCMF|{}|{}</signedData>', /not well-formed/],
  ['two root elements', () => '<signedData>a</signedData><signedData>b</signedData>', /not well-formed/],
];

describe('readSafeXml', () => {
  describe('hostile files', () => {
    for (const [what, build, reason] of HOSTILE) {
      it(`refuses ${what} with METER_FORMAT_INVALID`, () => {
        const error = refusal(build());
        expect(error.code).to.equal('METER_FORMAT_INVALID');
        expect(error.reason).to.match(reason);
      });
    }

    it('never expands an undeclared entity: it stays literal text, which the OCMF verifier then refuses', () => {
      const values = readSafeXml('<values><value><signedData>&lol3;</signedData></value></values>');
      expect(values.map((v) => v.signedData)).to.deep.equal(['&lol3;']);
    });
  });
});
