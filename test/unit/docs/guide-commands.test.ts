// The guides' runnable blocks are read the way a person copies them: '$ ' commands, continuations,
// the output shown after them; illustration blocks are not run.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Command } from 'commander';
import { buildProgram } from '../../../client/src/cli/main';
import { guideCommands, guideEcarLines, outputShows } from '../../support/guide-commands';
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

describe('guideEcarLines', () => {
  it('reads ecar lines of sh and console blocks, substitutions as commands of their own', () => {
    const md =
      '```sh\necar balance --bogus   # x\necar issuer mint --account "$(ecar whoami --id)" \\\n  --amount 1\n```\n';
    expect(guideEcarLines(md)).to.deep.equal([
      { line: 2, command: 'ecar balance --bogus' },
      { line: 3, command: 'ecar whoami --id' },
      { line: 3, command: 'ecar issuer mint --account VALUE --amount 1' },
    ]);
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

describe('the guides name only commands and flags ecar has', () => {
  const program = buildProgram();
  const docs = join(projectRoot(), 'docs');
  for (const guide of readdirSync(docs).filter((f) => /^guide-.*\.md$/.test(f))) {
    it(`docs/${guide}`, () => {
      for (const { line, command } of guideEcarLines(readFileSync(join(docs, guide), 'utf8'))) {
        const words = command.split(/\s+/).slice(1);
        let leaf: Command = program;
        for (const word of words) {
          const sub = leaf.commands.find((c) => c.name() === word);
          if (sub === undefined) break;
          leaf = sub;
        }
        const where = `docs/${guide}:${line}: ${command}`;
        expect(leaf, where).not.to.equal(program);
        expect(leaf.commands, `${where}: names a whole command`).to.have.length(0);
        for (const flag of words.filter((w) => /^--[a-z]/.test(w)).map((w) => w.split('=')[0] ?? w)) {
          expect(
            leaf.options.some((o) => o.long === flag),
            `${where}: ecar ${leaf.name()} has no ${flag}`,
          ).to.equal(true);
        }
      }
    });
  }
});
