import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';

/** Structured logger interface every library accepts; apps create one with `jsonLogger`. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger whose lines carry `fields` (e.g. `{ component: 'streams', app: 'x' }`). */
  child(fields: LogFields): Logger;
}

/** Replaces the value of every redacted field. */
export const redactedValue = '[redacted]';

/**
 * Field names whose values never reach a log line when they are fields of the line, or sit in its
 * `headers` or `req.headers` object. Names of credentials, never of ordinary data (`key` stays: it is a
 * record's key). Only these fixed places: pino's wildcard paths (`*.token`) cost ~20x a line's own time.
 */
export const redactedFields: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'password',
  'passphrase',
  'secret',
  'clientSecret',
  'client_secret',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'authToken',
  'systemToken',
  'jwtSecret',
  'apiKey',
  'api_key',
  'privateKey',
  'private_key',
  'secretKey',
  'signingKey',
  'encryptionKey',
];

/** The same names as pino redact paths (fast-redact syntax), no wildcards. */
export const redactPaths: readonly string[] = redactedFields.flatMap((name) => {
  const field = /^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `["${name}"]`;
  return [field.startsWith('.') ? name : field, `headers${field}`, `req.headers${field}`];
});

export interface JsonLoggerOptions {
  /** Lines below this level are dropped (default `info`). */
  readonly level?: LogLevel;
  /** Fields on every line (e.g. `{ app: 'gateway' }`). */
  readonly fields?: LogFields;
  /** Where lines go: a pino destination stream (anything with `write(line)`). Default: stderr, synchronously. */
  readonly destination?: DestinationStream;
  /** Called with each line without its newline, instead of `destination` (tests, adapters). */
  readonly write?: (line: string) => void;
}

/**
 * One JSON object per line, written by pino: `{"level":"info","time":"<ISO 8601>",...fields,"msg":"..."}`.
 * The fields named in `redactedFields` are replaced by `"[redacted]"`; an `Error` under `error` or `err`
 * becomes `{ type, message, stack }`.
 */
export function jsonLogger(options: JsonLoggerOptions = {}): Logger {
  const root = pino(
    {
      level: options.level ?? 'info',
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { error: pino.stdSerializers.err, err: pino.stdSerializers.err },
      redact: { paths: [...redactPaths], censor: redactedValue },
    },
    destinationOf(options),
  );
  return wrap(root, options.fields ?? {});
}

function destinationOf(options: JsonLoggerOptions): DestinationStream {
  const write = options.write;
  if (write !== undefined) return { write: (line: string) => write(line.endsWith('\n') ? line.slice(0, -1) : line) };
  return options.destination ?? pino.destination({ dest: 2, sync: true });
}

/**
 * Children are made from the root with the merged fields (not child of child), so a field given again
 * replaces the earlier value instead of appearing twice in the line.
 */
function wrap(root: PinoLogger, bindings: LogFields): Logger {
  const log = Object.keys(bindings).length === 0 ? root : root.child(bindings);
  return {
    debug: (message, fields) => (fields === undefined ? log.debug(message) : log.debug(fields, message)),
    info: (message, fields) => (fields === undefined ? log.info(message) : log.info(fields, message)),
    warn: (message, fields) => (fields === undefined ? log.warn(message) : log.warn(fields, message)),
    error: (message, fields) => (fields === undefined ? log.error(message) : log.error(fields, message)),
    child: (fields) => wrap(root, { ...bindings, ...fields }),
  };
}

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
