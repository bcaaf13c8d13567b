// The examples of --help: one '$ ' prompt per command, continuation lines indented without one.
import { expect } from 'chai';
import { exampleText } from '../../../client/src/cli/context';
import { runCli } from './harness';

describe('exampleText', () => {
  it('puts $ only on the first line of a command that continues with a backslash', () => {
    const text = exampleText(['ecar a --x 1 \\', '    --y 2', 'ecar b'].join('\n'));
    expect(text.split('\n')).to.deep.equal(['Examples:', '  $ ecar a --x 1 \\', '      --y 2', '  $ ecar b']);
  });

  it('says Example for one command over two lines', () => {
    expect(exampleText('ecar a \\\n  --y 2').split('\n')[0]).to.equal('Example:');
  });
});

describe('ecar station register --help', () => {
  it('has no $ on a continuation line', async () => {
    const run = await runCli(['station', 'register', '--help']);
    const lines = run.stdout.split('\n');
    const continued = lines.findIndex((l) => l.trimEnd().endsWith('\\'));
    expect(continued, run.stdout).to.be.greaterThan(-1);
    expect(lines[continued + 1]).to.match(/^ {6}--lat/);
  });
});
