import type { PlatformErrorOptions } from '@platform/common';
import { StreamsError } from '../../errors';

/**
 * The engine's own producer could not append records. `retriable` tells whether the same records may
 * succeed later (leadership moves, lost connections, too few in-sync replicas); `type` is Kafka's error
 * name when the broker answered with one (`MESSAGE_TOO_LARGE`, `NOT_LEADER_OR_FOLLOWER`, …).
 */
export class ProduceError extends StreamsError {
  constructor(
    message: string,
    readonly type: string,
    options: PlatformErrorOptions = {},
  ) {
    super(message, { retriable: options.retriable ?? false, cause: options.cause });
  }
}
