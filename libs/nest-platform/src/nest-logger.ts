import type { LoggerService } from '@nestjs/common';
import type { Logger } from '@platform/common';

/**
 * Nest's own log lines through the platform logger. Nest's `log` level (route mapping, module
 * initialisation) becomes `debug`; warnings and errors keep their level.
 */
export function nestLogger(logger: Logger): LoggerService {
  const child = logger.child({ component: 'nest' });
  const fields = (params: unknown[]) => {
    const context = params.length > 0 && typeof params[params.length - 1] === 'string' ? params[params.length - 1] : undefined;
    return context === undefined ? {} : { context };
  };
  const text = (message: unknown) => (message instanceof Error ? message.message : typeof message === 'string' ? message : JSON.stringify(message));
  return {
    log: (message, ...params) => child.debug(text(message), fields(params)),
    debug: (message, ...params) => child.debug(text(message), fields(params)),
    verbose: (message, ...params) => child.debug(text(message), fields(params)),
    warn: (message, ...params) => child.warn(text(message), fields(params)),
    error: (message, ...params) => child.error(text(message), { ...fields(params), stack: params.length > 1 ? params[0] : undefined }),
    fatal: (message, ...params) => child.error(text(message), fields(params)),
  };
}
