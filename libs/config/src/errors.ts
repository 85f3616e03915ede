import { PlatformError } from '@platform/common';

/** The environment's configuration is invalid; `message` is one line: what is wrong, then what to do about it. */
export class ConfigError extends PlatformError {}
