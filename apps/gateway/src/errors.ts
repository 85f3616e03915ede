import { PlatformError, type PlatformErrorOptions } from '@platform/common';

/** Base of the gateway's errors. */
export class GatewayError extends PlatformError {
  constructor(message: string, options: PlatformErrorOptions = {}) {
    super(message, options);
  }
}

/** An environment variable that cannot be used; the message names it. */
export class GatewayConfigError extends GatewayError {}
