import { PlatformError, type PlatformErrorOptions } from '@platform/common';

/** Root of the errors thrown by @platform/streams. */
export class StreamsError extends PlatformError {}

/** The topology is invalid (unknown parent, cycle, duplicate name, unconnected store, ...). Never retriable. */
export class TopologyError extends StreamsError {
  constructor(message: string, options: PlatformErrorOptions = {}) {
    super(message, { ...options, retriable: false });
  }
}

/** A processor asked for something its task cannot give (undeclared store, unknown child, closed task). */
export class ProcessorContextError extends StreamsError {
  constructor(
    message: string,
    readonly taskId: string,
    readonly node: string,
  ) {
    super(`${message} (task ${taskId}, node ${node})`);
  }
}

/** A store was used against its contract (closed, async serde, ...). */
export class StoreError extends StreamsError {
  constructor(
    message: string,
    readonly store: string,
  ) {
    super(`${message} (store ${store})`);
  }
}

/**
 * Another running instance of the same application (same id and version) holds the state directory:
 * two instances on one `<stateDir>/<applicationKey>/` would open the same task databases. Retriable:
 * the other instance may be shutting down.
 */
export class StateDirectoryLockedError extends StreamsError {
  constructor(readonly directory: string) {
    super(`state directory ${directory} is in use by another running instance of this application; give each instance its own stateDir`, { retriable: true });
  }
}
