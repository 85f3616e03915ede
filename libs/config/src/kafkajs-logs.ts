import { createRequire } from 'node:module';
import { logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';
import type { Logger, LogLevel } from '@platform/common';

/** One entry of kafkajs's protocol error table (`kafkajs/src/protocol/error.js`). */
interface ProtocolErrorCode {
  readonly type: string;
  readonly retriable: boolean;
  readonly message: string;
}

/**
 * Non-retriable protocol errors that kafkajs (or the caller) recovers from on its own: topic creation
 * races, group joins and rebalances. Everything retriable is expected too.
 */
const recovered: Readonly<Record<string, LogLevel>> = {
  TOPIC_ALREADY_EXISTS: 'debug',
  REBALANCE_IN_PROGRESS: 'debug',
  MEMBER_ID_REQUIRED: 'debug',
  UNKNOWN_MEMBER_ID: 'warn',
  ILLEGAL_GENERATION: 'warn',
};

/**
 * kafkajs throws `KafkaJSAggregateError('Topic creation errors')` for any failed topic in a CreateTopics
 * response and logs only that text; the caller gets the per-topic errors (kafkajs's admin ignores
 * TOPIC_ALREADY_EXISTS) and decides, so the log line itself is detail.
 */
const aggregateMessages: Readonly<Record<string, LogLevel>> = { 'Topic creation errors': 'debug' };

/** Non-protocol lines kafkajs logs above their weight during normal group life. */
const routine: Readonly<Record<string, LogLevel>> = { 'The group is rebalancing, re-joining': 'info' };

/** kafkajs's error table, read from the installed kafkajs so the messages match its version; empty (nothing downgraded) if it moved. */
function loadProtocolErrors(): ReadonlyMap<string, ProtocolErrorCode> {
  try {
    const table = (createRequire(__filename)('kafkajs/src/protocol/error') as { errorCodes?: ProtocolErrorCode[] }).errorCodes ?? [];
    return new Map(table.map((code) => [code.message, code]));
  } catch {
    return new Map();
  }
}

const protocolErrors = loadProtocolErrors();

function ourLevel(level: logLevel): LogLevel {
  if (level === logLevel.ERROR) return 'error';
  if (level === logLevel.WARN) return 'warn';
  if (level === logLevel.INFO) return 'info';
  return 'debug';
}

function downgradedProtocolError(errorText: string): LogLevel | undefined {
  const aggregate = aggregateMessages[errorText];
  if (aggregate) return aggregate;
  const code = protocolErrors.get(errorText);
  if (!code) return undefined;
  return code.retriable ? 'debug' : recovered[code.type];
}

/**
 * The level one kafkajs log entry gets in our logger: kafkajs's own level, except that a
 * `Response <Api>(…)` line whose `error` is a retriable or self-recovering protocol error
 * (NOT_LEADER_FOR_PARTITION, UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE, coordinator loading,
 * REBALANCE_IN_PROGRESS, TOPIC_ALREADY_EXISTS …) is debug (warn for a member the coordinator dropped):
 * kafkajs logs every failed response at ERROR before retrying it or handing it to the caller.
 */
export function kafkaJsLogLevel(entry: Pick<LogEntry, 'level'> & { readonly log: { readonly message: string; readonly error?: unknown } }): LogLevel {
  const level = ourLevel(entry.level);
  const { message, error } = entry.log;
  if (level === 'error' && message.startsWith('Response ') && typeof error === 'string') return downgradedProtocolError(error) ?? level;
  if (level === 'warn' || level === 'error') return routine[message] ?? level;
  return level;
}

/**
 * `logLevel` and `logCreator` for a kafkajs `KafkaConfig`: kafkajs's lines go to `logger` (child with
 * `component: 'kafkajs'`) at the levels `kafkaJsLogLevel` gives. `level` is the app's log level: kafkajs's
 * own INFO lines (group joins, consumer starts) are asked for only at debug, and its DEBUG (every request) never.
 */
export function kafkaJsLogging(logger: Logger, level: LogLevel = 'info'): Pick<KafkaConfig, 'logLevel' | 'logCreator'> {
  const kafka = logger.child({ component: 'kafkajs' });
  return {
    logLevel: level === 'debug' ? logLevel.INFO : logLevel.WARN,
    logCreator: () => (entry) => {
      const { message, ...fields } = entry.log;
      kafka[kafkaJsLogLevel(entry)](message, { namespace: entry.namespace, ...fields });
    },
  };
}
