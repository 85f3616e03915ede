import { createInterface } from 'node:readline/promises';
import { Presets, SingleBar } from 'cli-progress';

/** A progress indicator for long work (a bar with ETA on a terminal, nothing otherwise). */
export interface Progress {
  update(done: number, payload?: Record<string, string | number>): void;
  setTotal(total: number): void;
  stop(): void;
}

/**
 * Where a command's output goes. `--json`: exactly one JSON document on stdout (the result), notes on
 * stderr, no bars. Human: the rendered result on stdout, notes and progress bars (with ETA) on stderr.
 */
export interface Output {
  readonly json: boolean;
  /** Prints the command's result: `render(value)` for people, `value` as JSON for scripts. */
  result<T>(value: T, render: (value: T) => string): void;
  /** One line of streamed output on stdout (tail's records in human mode). */
  line(text: string): void;
  /** A line for people about what is happening (stderr; kept in `--json` mode so scripts see it in logs). */
  note(line: string): void;
  progress(label: string, total: number, unit?: string): Progress;
  /** Asks a yes/no question on the terminal; false when stdin is not a terminal (use `--yes` there). */
  confirm(question: string): Promise<boolean>;
}

export interface OutputStreams {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

const noProgress: Progress = { update: () => undefined, setTotal: () => undefined, stop: () => undefined };

export function createOutput(json: boolean, streams: OutputStreams = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }): Output {
  return {
    json,
    result(value, render) {
      streams.stdout.write(json ? `${JSON.stringify(value, jsonReplacer, 2)}\n` : ensureNewline(render(value)));
    },
    line(text) {
      streams.stdout.write(`${text}\n`);
    },
    note(line) {
      streams.stderr.write(`${line}\n`);
    },
    progress(label, total, unit = 'records') {
      if (json || !streams.stderr.isTTY) return noProgress;
      const bar = new SingleBar(
        { format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | ETA {eta_formatted}`, stream: streams.stderr, etaBuffer: 50, hideCursor: true, clearOnComplete: false },
        Presets.shades_classic,
      );
      bar.start(Math.max(total, 1), 0);
      return {
        update: (done, payload) => bar.update(Math.min(done, Math.max(total, 1)), payload),
        setTotal: (next) => bar.setTotal(Math.max(next, 1)),
        stop: () => bar.stop(),
      };
    },
    async confirm(question) {
      if (!streams.stdin.isTTY) return false;
      const rl = createInterface({ input: streams.stdin, output: streams.stderr });
      try {
        const answer = await rl.question(`${question} [y/N] `);
        return /^y(es)?$/i.test(answer.trim());
      } finally {
        rl.close();
      }
    },
  };
}

/** bigint and Buffer values print as strings in JSON. */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  return value;
}

const ensureNewline = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);

/** Left-aligned columns; every cell is printed as given (callers stringify). */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return `${headers.join('  ')}\n(none)`;
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}
