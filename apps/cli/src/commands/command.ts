import type { ParseArgsConfig } from 'node:util';
import type { CliContext } from '../context';
import type { ExitCode } from '../exit-codes';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | string[] | boolean[] | undefined>;

/** One CLI command: its words (`['group', 'shift']`), flags, positionals and what it does. */
export interface Command {
  readonly path: readonly string[];
  readonly summary: string;
  /** Positional arguments after the command words, e.g. `['<group>']`; a trailing `?` makes one optional. */
  readonly args: readonly string[];
  /** Flags besides the global ones (`--json`, `--help`). */
  readonly options: OptionSpec;
  /** Lines under the usage in `--help`: what each flag means, examples. */
  readonly help: readonly string[];
  /** Resolves with the exit code when it is not 0 (e.g. 7 for drift found); throws CliError for refusals and failures. */
  run(ctx: CliContext, values: Values, args: readonly string[]): Promise<ExitCode | void>;
}

export function usageOf(command: Command): string {
  const flags = Object.entries(command.options).map(([name, spec]) => (spec.type === 'boolean' ? `[--${name}]` : `[--${name} <${name}>]`));
  return [`usage: npm run cli -- ${[...command.path, ...command.args, ...flags, '[--json]'].join(' ')}`, '', command.summary, ...(command.help.length ? ['', ...command.help] : [])].join('\n');
}
