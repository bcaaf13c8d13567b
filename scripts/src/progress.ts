// Progress lines for long operations: to stderr, so --json output on stdout stays machine-readable.
export interface Progress {
  step(message: string): void;
  detail(message: string): void;
}

export function consoleProgress(quiet = false): Progress {
  const started = Date.now();
  const stamp = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s`;
  return {
    step(message) {
      if (!quiet) process.stderr.write(`${stamp()} ==> ${message}\n`);
    },
    detail(message) {
      if (!quiet) process.stderr.write(`${stamp()}     ${message}\n`);
    },
  };
}

export const silentProgress: Progress = { step: () => undefined, detail: () => undefined };
