// Reads the runnable commands of a guide (docs/guide-*.md): fenced ```console blocks, where a line
// starting with '$ ' is a command (a trailing backslash continues it on the next line) and the
// lines after it, up to the next command, are output the guide says it prints ('...' stands for
// anything). ```sh blocks are illustrations with placeholders and are not run.

export interface GuideCommand {
  /** The command as a shell reads it (continuations joined with a space). */
  readonly command: string;
  /** Output lines the guide shows; each must appear in what the command prints. */
  readonly expected: readonly string[];
  /** Line of the guide where the command starts (1-based), for failure messages. */
  readonly line: number;
  /** Marked '# once per ledger': skipped on a ledger where it already ran. */
  readonly oncePerLedger: boolean;
}

const FENCE = /^```(\S*)\s*$/;
const ONCE = /\s+#\s*once per ledger\s*$/;

/** The commands of every ```console block of `markdown`, in order. */
export function guideCommands(markdown: string): GuideCommand[] {
  const lines = markdown.split('\n');
  const commands: GuideCommand[] = [];
  let inConsole = false;
  let inFence = false;
  let current: { parts: string[]; expected: string[]; line: number; open: boolean } | undefined;
  const flush = (): void => {
    if (current === undefined) return;
    const joined = current.parts.join(' ');
    commands.push({
      command: joined.replace(ONCE, ''),
      expected: current.expected,
      line: current.line,
      oncePerLedger: ONCE.test(joined),
    });
    current = undefined;
  };
  for (const [index, text] of lines.entries()) {
    const fence = FENCE.exec(text);
    if (!fence && text.startsWith('```')) {
      throw new Error(`line ${index + 1}: a code fence with text after it: ${text.slice(0, 40)}`);
    }
    if (fence) {
      if (inFence) {
        flush();
        inFence = false;
        inConsole = false;
      } else {
        inFence = true;
        inConsole = fence[1] === 'console';
      }
      continue;
    }
    if (!inConsole) continue;
    if (current?.open === true) {
      const part = text.trim();
      current.open = part.endsWith('\\');
      current.parts.push(current.open ? part.slice(0, -1).trimEnd() : part);
      continue;
    }
    if (text.startsWith('$ ')) {
      flush();
      const part = text.slice(2).trim();
      const open = part.endsWith('\\');
      current = { parts: [open ? part.slice(0, -1).trimEnd() : part], expected: [], line: index + 1, open };
      continue;
    }
    if (current !== undefined && text.trim() !== '') current.expected.push(text.trim());
  }
  if (inFence) throw new Error('a code block is not closed');
  flush();
  return commands;
}

/** True when `line` (with '...' as a wildcard) matches some line of `output`. */
export function outputShows(output: string, line: string): boolean {
  const pieces = line.split('...').map((p) => p.trim());
  return output.split('\n').some((candidate) => {
    let at = 0;
    for (const piece of pieces) {
      const found = candidate.indexOf(piece, at);
      if (found < 0) return false;
      at = found + piece.length;
    }
    return true;
  });
}

/** Every `ecar ...` line of the guide's ```sh and ```console blocks (continuations joined, comments cut). */
export function guideEcarLines(markdown: string): { readonly line: number; readonly command: string }[] {
  const found: { line: number; command: string }[] = [];
  let inBlock = false;
  let pending: { line: number; parts: string[] } | undefined;
  for (const [index, raw] of markdown.split('\n').entries()) {
    const fence = FENCE.exec(raw);
    if (fence) {
      inBlock = !inBlock && (fence[1] === 'sh' || fence[1] === 'console');
      continue;
    }
    if (!inBlock) continue;
    const text = raw.replace(/^\$ /, '').trim();
    if (pending === undefined) {
      if (!text.startsWith('ecar ')) continue;
      pending = { line: index + 1, parts: [] };
    }
    const open = text.endsWith('\\');
    pending.parts.push(open ? text.slice(0, -1).trim() : text);
    if (!open) {
      const whole = pending.parts.join(' ').replace(/\s+#\s.*$/, '');
      // a command substitution "$(ecar ...)" is a command of its own, and one value of the outer one
      for (const inner of whole.matchAll(/\$\((ecar [^)]*)\)/g)) {
        found.push({ line: pending.line, command: inner[1] ?? '' });
      }
      found.push({ line: pending.line, command: whole.replace(/"?\$\(ecar [^)]*\)"?/g, 'VALUE') });
      pending = undefined;
    }
  }
  return found;
}
