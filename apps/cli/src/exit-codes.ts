/**
 * What the CLI's exit status means (also in apps/cli/README.md). Scripts can branch on these.
 */
export const EXIT = {
  /** The command did what was asked (or `--dry-run` printed the plan). */
  ok: 0,
  /** The operation failed part-way (a broker or driver error); the message says what was done. */
  failed: 1,
  /** Bad command line: unknown command or flag, missing or malformed value. Usage printed. */
  usage: 2,
  /** Bad environment configuration (KAFKA_BROKERS, SCHEMA_REGISTRY_URL, CLI_DRIVER…). */
  config: 3,
  /** The app, topic, group, record or version named does not exist. */
  notFound: 4,
  /** Refused as unsafe: live group members without `--force`, confirmation declined, a group that is not empty. */
  refused: 5,
  /** Kafka, the registry or the driver (supervisor / Kubernetes API) cannot be reached. */
  unreachable: 6,
  /** An inspection found a problem it was asked to check: topic drift (`topics list --check`). */
  unhealthy: 7,
  /** Interrupted (Ctrl-C) before the operation finished. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error that ends the CLI with a chosen exit code and one message line. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(message, EXIT.usage);
export const notFound = (message: string) => new CliError(message, EXIT.notFound);
export const refused = (message: string) => new CliError(message, EXIT.refused);
export const unreachable = (message: string, cause?: unknown) => new CliError(message, EXIT.unreachable, { cause });
