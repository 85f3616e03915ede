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
