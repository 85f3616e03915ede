import { PlatformError } from '@platform/common';

/** Root of the sources app's errors. */
export class SourcesError extends PlatformError {}

/** The configuration read from the environment is incomplete or inconsistent. */
export class SourcesConfigError extends SourcesError {}

/** A request the API refuses, with its status (400 malformed, 401/403 auth, 404 unknown, 409 conflict) and `{ message }`. */
export class SourcesRequestError extends SourcesError {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}
