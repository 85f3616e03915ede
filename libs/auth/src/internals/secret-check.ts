import { AuthConfigError } from '../errors';

/** Shortest secret or system token accepted: 16 characters (generateSecret() gives 43). */
export const minimumSecretLength = 16;

export function requireSecret(value: string, what: string): void {
  if (typeof value !== 'string' || value.length < minimumSecretLength) {
    throw new AuthConfigError(`${what} must be a string of at least ${minimumSecretLength} characters`);
  }
}
