import { parseArgs } from 'node:util';
import { ConfigError } from '@platform/config';
import { errorMessage } from '@platform/common';
import type { CliConfig } from './config';
import { createContext, type CliContext } from './context';
import { DriverUnavailableError, type PlatformDriver } from './drivers/driver';
import { CliError, EXIT, type ExitCode } from './exit-codes';
import { createOutput, type OutputStreams } from './output/output';
import { usageOf, type Command } from './commands/command';
import { commands as allCommands } from './commands';

export interface RunOptions {
  readonly config: () => CliConfig;
  readonly createDriver: (config: CliConfig) => Promise<PlatformDriver>;
  readonly streams?: OutputStreams;
  readonly signal?: AbortSignal;
  readonly commands?: readonly Command[];
}

const GLOBAL_USAGE = (commands: readonly Command[]) =>
  [
    'usage: npm run cli -- <command> [args] [--json] [--help]',
    '',
    'Admin CLI of the platform: inspect apps, topics, groups and dead letters; reset apps. Every command takes',
    '--help (its flags) and --json (one JSON document on stdout, for scripts).',
    '',
    'commands:',
    ...commands.map((c) => `  ${[...c.path, ...c.args].join(' ').padEnd(34)} ${firstSentence(c.summary)}`),
    '',
    'environment: KAFKA_BROKERS, SCHEMA_REGISTRY_URL (default: the npm start stack), TOPICS_NAMESPACE, CLI_DRIVER (local),',
    'SUPERVISOR_CONTROL_FILE (.data/supervisor.json), CLI_TIMEOUT_MS. Exit codes: apps/cli/README.md.',
  ].join('\n');

/** Finds the command whose words prefix the positionals best. */
function findCommand(commands: readonly Command[], words: readonly string[]): Command | undefined {
  let best: Command | undefined;
  for (const command of commands) {
    if (command.path.every((w, i) => words[i] === w) && (!best || command.path.length > best.path.length)) best = command;
  }
  return best;
}

/** Runs one CLI invocation and resolves its exit code (never throws, never calls process.exit). */
export async function runCli(argv: readonly string[], options: RunOptions): Promise<ExitCode> {
  const commands = options.commands ?? allCommands;
  const streams = options.streams ?? { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };
  const words = argv.filter((a) => !a.startsWith('-'));
  const command = findCommand(commands, words);
  const wantsHelp = argv.includes('--help') || argv.includes('-h');
  if (!command) {
    if (words.length === 0 && wantsHelp) {
      streams.stdout.write(`${GLOBAL_USAGE(commands)}\n`);
      return EXIT.ok;
    }
    streams.stderr.write(`error: ${words.length === 0 ? 'no command given' : `unknown command "${words.join(' ')}"`}\n${GLOBAL_USAGE(commands)}\n`);
    return EXIT.usage;
  }
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: { ...command.options, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: true });
  } catch (error) {
    streams.stderr.write(`error: ${errorMessage(error)}\n${usageOf(command)}\n`);
    return EXIT.usage;
  }
  if (parsed.values.help) {
    streams.stdout.write(`${usageOf(command)}\n`);
    return EXIT.ok;
  }
  const args = parsed.positionals.slice(command.path.length);
  const required = command.args.filter((a) => !a.endsWith('?')).length;
  if (args.length < required || args.length > command.args.length) {
    streams.stderr.write(`error: expected ${command.args.join(' ') || 'no arguments'}, got ${args.length ? args.join(' ') : 'none'}\n${usageOf(command)}\n`);
    return EXIT.usage;
  }
  let config: CliConfig;
  try {
    config = options.config();
  } catch (error) {
    streams.stderr.write(`error: ${errorMessage(error)}\n`);
    return error instanceof ConfigError ? EXIT.config : EXIT.failed;
  }
  const out = createOutput(parsed.values.json === true, streams);
  const ctx: CliContext = createContext({ config, out, createDriver: options.createDriver, ...(options.signal ? { signal: options.signal } : {}) });
  try {
    const code = await command.run(ctx, parsed.values as Record<string, string | boolean | undefined>, args);
    if (ctx.signal.aborted) return EXIT.interrupted;
    return code ?? EXIT.ok;
  } catch (error) {
    const code = exitCodeOf(error, ctx.signal.aborted);
    streams.stderr.write(`error: ${errorMessage(error)}\n`);
    if (out.json) streams.stdout.write(`${JSON.stringify({ error: { message: errorMessage(error), exitCode: code } })}\n`);
    return code;
  } finally {
    await ctx.close();
  }
}

function exitCodeOf(error: unknown, aborted: boolean): ExitCode {
  if (aborted) return EXIT.interrupted;
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof DriverUnavailableError) return EXIT.unreachable;
  if (error instanceof ConfigError) return EXIT.config;
  const name = (error as { name?: string } | undefined)?.name ?? '';
  if (/KafkaJSConnectionError|KafkaJSNumberOfRetriesExceeded|KafkaJSBrokerNotFound|ECONNREFUSED/.test(`${name} ${errorMessage(error)}`)) return EXIT.unreachable;
  return EXIT.failed;
}

const firstSentence = (text: string) => {
  const end = text.search(/[.:] [A-Z]/);
  return end < 0 ? text : text.slice(0, end + 1);
};
