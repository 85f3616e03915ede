import { logLevel, type logCreator } from 'kafkajs';
import type { Logger } from '@platform/common';

/** Routes kafkajs' own log lines (warnings and errors) to the app's structured logger. */
export function kafkaLogCreator(logger: Logger): logCreator {
  const kafka = logger.child({ component: 'kafkajs' });
  return () =>
    ({ level, log }) => {
      const { message, ...fields } = log;
      if (level === logLevel.ERROR) kafka.error(message, fields);
      else if (level === logLevel.WARN) kafka.warn(message, fields);
      else if (level === logLevel.INFO) kafka.info(message, fields);
      else kafka.debug(message, fields);
    };
}
