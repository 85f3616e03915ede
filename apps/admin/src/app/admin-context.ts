import type { ChatTopics, ChatWriter } from '@platform/chat-streams';
import type { Logger } from '@platform/common';
import type { TopologySpec } from '@platform/streams';

/** Nest token of the AdminContext. */
export const ADMIN_CONTEXT = Symbol('ADMIN_CONTEXT');

/** What the admin services share, built once by startAdmin. */
export interface AdminContext {
  readonly topology: TopologySpec;
  /** Resolved topic names with the cluster's partition counts. */
  readonly topics: ChatTopics;
  readonly writer: ChatWriter;
  readonly logger: Logger;
  /** Wall clock for metadata timestamps. */
  readonly clock: () => number;
  readonly retryAfterSeconds: number;
  readonly writeTimeoutMs: number;
  /** Timeout of a call to another replica (forwarding, list gathering). */
  readonly forwardTimeoutMs: number;
}
