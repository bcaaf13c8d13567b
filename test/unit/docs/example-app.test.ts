// The README's application example is the file the tests compile and run, and it compiles against
// the package's published types alone (its imports resolve through package.json `exports`).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { projectRoot } from '../../support/testdata';

const EXAMPLE = 'examples/app/main.ts';
const MARKER = `<!-- example: ${EXAMPLE} -->`;

/** The fenced block right after the marker line, without its fences. */
function blockAfterMarker(markdown: string): string | undefined {
  const lines = markdown.split('\n');
  const start = lines.indexOf(MARKER);
  if (start < 0 || !(lines[start + 1] ?? '').startsWith('```')) return undefined;
  const end = lines.findIndex((line, i) => i > start + 1 && line === '```');
  return end < 0 ? undefined : `${lines.slice(start + 2, end).join('\n')}\n`;
}

describe('the application example (examples/app)', () => {
  const root = projectRoot();

  it('is shown in the README exactly as the file the tests compile', () => {
    const shown = blockAfterMarker(readFileSync(join(root, 'README.md'), 'utf8'));
    expect(shown, `README.md has a fenced block after ${MARKER}`).to.be.a('string');
    expect(shown).to.equal(readFileSync(join(root, EXAMPLE), 'utf8'));
  });

  it("imports the ecar library only by the package's name", () => {
    const source = readFileSync(join(root, EXAMPLE), 'utf8');
    const modules = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    expect(modules).to.include('ecar');
    expect(modules.filter((m) => m !== undefined && m.startsWith('.'))).to.deep.equal([]);
  });

  it('compiles with its own tsconfig against the emitted declarations, without a type error', async function () {
    this.timeout(180_000);
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const run = promisify(execFile);
    const { stdout, stderr } = await run(
      process.execPath,
      [tsc, '-p', join(root, 'examples', 'app'), '--noEmit'],
      {
        cwd: root,
      },
    ).catch((error: unknown) => {
      const failed = error as { stdout?: string; stderr?: string };
      expect.fail(`tsc -p examples/app failed:\n${failed.stdout ?? ''}${failed.stderr ?? ''}`);
    });
    expect(`${stdout}${stderr}`).to.equal('');
  });
});
