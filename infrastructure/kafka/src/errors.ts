import { PlatformError, PlatformErrorOptions } from '@platform/common';

/**
 * Base of every error raised while preparing or running the local infrastructure.
 * `message` is always one line: what is wrong, then what to do about it.
 */
export class InfraError extends PlatformError {}

/** A prerequisite of the machine is missing (Java, Maven, a free port). Not retriable. */
export class PreflightError extends InfraError {
  constructor(problem: string, remedy: string, options: PlatformErrorOptions = {}) {
    super(`${problem} — ${remedy}`, options);
  }
}

/** Maven could not fetch or unpack a runtime (network, Maven Central, disk). */
export class ResolveError extends InfraError {}

/** A JVM did not come up; `logTail` holds its last output lines. */
export class StartError extends InfraError {
  constructor(message: string, readonly logTail: string, options: PlatformErrorOptions = {}) {
    super(message, options);
  }
}

/** Environment configuration is invalid: the config lib's error. */
export { ConfigError } from '@platform/config';

/** An external Kafka or registry given by configuration does not answer. */
export class UnreachableError extends InfraError {
  constructor(message: string, options: PlatformErrorOptions = {}) {
    super(message, { retriable: true, ...options });
  }
}
