import { PlatformError, type PlatformErrorOptions } from '@platform/common';

/** Base of every error thrown by `@platform/auth`. Rejected credentials are result values, not errors. */
export class AuthError extends PlatformError {
  constructor(message: string, options: PlatformErrorOptions = {}) {
    super(message, options);
  }
}

/** A secret, system token or option that cannot be used (empty, too short, not a number). */
export class AuthConfigError extends AuthError {}

/** Claims that cannot be put into a token (not JSON-serializable, reserved claim with a wrong type). */
export class TokenClaimsError extends AuthError {}
