import * as path from 'node:path';
import type { ChatTopics } from '@platform/chat-streams';
import { chatSerdes } from '@platform/chat-streams';
import type { ExternalRegistryConfig } from '@platform/config';
import { createSchemaRegistry } from '@platform/schemas';
import type { StreamThreadContext, ThreadTopology, TopologySpec } from '@platform/streams';
import { buildChatpluginTopology } from './topology';

/** What a stream thread needs to build the router: resolved topics and the registry (cloned into the thread). */
export interface ChatpluginThreadArgs {
  readonly topics: ChatTopics;
  readonly registry: ExternalRegistryConfig & { readonly clientId: string };
}

/**
 * The router as a stream thread builds it (`STREAMS_THREADS` > 1): the same topology the process
 * builds, with serdes of a registry client of the thread's own. Bundled beside main.js as
 * `streams/thread-topology.js` (infrastructure/bin/lib/build-apps.mjs).
 */
export function topology(thread: StreamThreadContext): TopologySpec {
  const { topics, registry } = thread.args as ChatpluginThreadArgs;
  return buildChatpluginTopology(topics, chatSerdes(createSchemaRegistry(registry)));
}

/** Where the process finds this module: the source beside start.ts, or the bundle's copy. */
export function chatpluginThreadTopology(args: ChatpluginThreadArgs, dir: string, extension: string): ThreadTopology {
  return { module: path.join(dir, 'streams', `thread-topology${extension}`), args };
}
