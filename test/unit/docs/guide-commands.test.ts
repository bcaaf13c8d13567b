// The guides' runnable blocks are read the way a person copies them: '$ ' commands, continuations,
// the output shown after them; illustration blocks are not run.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { guideCommands, outputShows } from '../../support/guide-commands';
import { projectRoot } from '../../support/testdata';

describe('guideCommands', () => {
  const GUIDE = [
    '# A guide',
    '```sh',
    'ecar init --endpoint peer0.example.com:7051   # an illustration',
    '```',
    '```console',
    '$ ecar balance',
    'purchased: ...',
    '',
    '$ ecar station register --id x \\',
    '    --city Berlin',
    '$ ecar operator init --issuer w:1   # once per ledger',
    '```',
  ].join('\n');

  it('reads commands, continuations, expected output and once-per-ledger marks of console blocks only', () => {
    expect(guideCommands(GUIDE)).to.deep.equal([
      { command: 'ecar balance', expected: ['purchased: ...'], line: 6, oncePerLedger: false },
      {
        command: 'ecar station register --id x --city Berlin',
        expected: [],
        line: 9,
        oncePerLedger: false,
      },
      { command: 'ecar operator init --issuer w:1', expected: [], line: 11, oncePerLedger: true },
    ]);
  });

  it('refuses a block that is not closed, or a fence with text after it', () => {
    expect(() => guideCommands('```console\n$ ecar balance\n')).to.throw(/not closed/);
    expect(() => guideCommands('```console\n$ ecar balance\n``` more text\n')).to.throw(/code fence/);
  });

  it('every guide has runnable commands, and each starts with ecar', () => {
    const docs = join(projectRoot(), 'docs');
    const guides = readdirSync(docs).filter((f) => /^guide-.*\.md$/.test(f));
    expect(guides).to.have.length.greaterThan(4);
    for (const guide of guides) {
      const commands = guideCommands(readFileSync(join(docs, guide), 'utf8'));
      expect(commands, guide).to.have.length.greaterThan(0);
      for (const c of commands) expect(c.command, `${guide}:${c.line}`).to.match(/^ecar /);
    }
  });
});

describe('outputShows', () => {
  it('matches a line with ... as a wildcard, in order, on one line', () => {
    const output = 'purchased: 100.00\nbalanced:  yes (minted - burned = all buckets)';
    expect(outputShows(output, 'purchased: ...')).to.equal(true);
    expect(outputShows(output, 'balanced: ... yes')).to.equal(true);
    expect(outputShows(output, 'yes ... balanced')).to.equal(false);
    expect(outputShows(output, 'earned:')).to.equal(false);
  });
});
