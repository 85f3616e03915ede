import { PlatformError, type PlatformErrorOptions } from '@platform/common';

/** Base of the errors `@platform/nest-platform` throws itself (configuration mistakes, startup failures). */
export class NestPlatformError extends PlatformError {
  constructor(message: string, options: PlatformErrorOptions = {}) {
    super(message, options);
  }
}

/** `PlatformModule.forRoot` / `bootstrapApi` options that cannot work. */
export class PlatformConfigError extends NestPlatformError {}
