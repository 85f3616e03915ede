import { logLevel as kafkaLogLevel, type logCreator } from 'kafkajs';
import type { LogFields, Logger } from '@platform/common';
import type { LogLevelName } from './protocol';

export type LogSink = (level: LogLevelName, message: string, fields: Record<string, unknown> | undefined) => void;

/** A stream thread's logger: every line goes to the process's logger, through `sink`. */
export function threadLogger(sink: LogSink, bound: LogFields = {}): Logger {
  const line = (level: LogLevelName) => (message: string, fields?: LogFields) => sink(level, message, cloneable({ ...bound, ...fields }));
  return {
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    child: (fields) => threadLogger(sink, { ...bound, ...fields }),
  };
}

/** kafkajs's warnings and errors of a stream thread's clients, to the thread's logger. */
export function kafkaJsToLogger(logger: Logger): logCreator {
  const kafkajs = logger.child({ component: 'kafkajs' });
  return () => ({ level, label, log }) => {
    const { message, ...fields } = log;
    if (level === kafkaLogLevel.ERROR) kafkajs.error(String(message), fields);
    else if (level === kafkaLogLevel.WARN) kafkajs.warn(String(message), fields);
    else if (level === kafkaLogLevel.INFO) kafkajs.info(String(message), { ...fields, label });
    else kafkajs.debug(String(message), fields);
  };
}

/** Log fields as structured cloning carries them: errors as their text, functions dropped. */
function cloneable(fields: Record<string, unknown>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = Object.create(null);
  let any = false;
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === 'function' || typeof value === 'symbol') continue;
    out[key] = value instanceof Error ? String(value) : value;
    any = true;
  }
  return any ? out : undefined;
}
