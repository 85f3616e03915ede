// The entry of a stream thread (a worker thread): builds the topology from the module the process
// named, runs it as one member of the group, and answers the process's requests.
import { parentPort, workerData } from 'node:worker_threads';
import { MetricsRegistry } from '@platform/metrics';
import { LocalApplication } from '../runtime/local-application';
import type { StreamThreadContext, ThreadTopologyResult } from '../runtime/options';
import type { TopologySpec } from '../topology/spec';
import type { ThreadData } from './thread-data';
import { kafkaJsToLogger, threadLogger } from './thread-logger';
import { toThreadError, type ProcessMessage, type ThreadMessage } from './protocol';
import { serveSyncCalls } from './sync-channel';
import { ThreadRequests } from './thread-requests';
import { StreamsError } from '../../errors';
import { STREAMS_EVENT_NAMES } from './event-names';

const data = workerData as ThreadData;
const port = parentPort!;

function send(message: ThreadMessage): void {
  try {
    port.postMessage(message);
  } catch {
    // a payload structured cloning refuses (a function deep in log fields) goes as JSON text
    port.postMessage(JSON.parse(JSON.stringify(message, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as ThreadMessage);
  }
}

const logger = threadLogger((level, message, fields) => send({ type: 'log', level, message, fields }));

function loadTopology(): ThreadTopologyResult {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(data.topology.module) as Record<string, unknown>;
  const exportName = data.topology.exportName ?? 'topology';
  const build = loaded[exportName];
  if (typeof build !== 'function') throw new StreamsError(`threadTopology: ${data.topology.module} exports no function "${exportName}"`);
  const built = (build as (thread: StreamThreadContext) => TopologySpec | ThreadTopologyResult)({ index: data.index, args: data.topology.args, logger });
  return 'topology' in built && 'subtopologies' in (built as ThreadTopologyResult).topology ? (built as ThreadTopologyResult) : { topology: built as TopologySpec };
}

async function main(): Promise<void> {
  const { topology, options: handlers } = loadTopology();
  const metrics = data.metricsPrefix === undefined ? undefined : new MetricsRegistry({ prefix: data.metricsPrefix });
  const { kafka } = data.options;
  const app = new LocalApplication(topology, {
    ...data.options,
    ...handlers,
    kafka: { ...kafka, clientId: `${kafka.clientId ?? 'streams'}-thread-${data.index}`, logCreator: kafkaJsToLogger(logger) },
    logger,
    metrics,
  });
  const requests = new ThreadRequests(app, topology, metrics, (view) => send({ type: 'view', view }));
  for (const name of STREAMS_EVENT_NAMES) app.on(name, (payload) => send({ type: 'event', name, payload }));
  app.onStateChange((state) => {
    send({ type: 'state', state, ...(state === 'ERROR' ? { cause: toThreadError(app.cause) } : {}) });
    requests.publishView();
  });
  const stopServing = serveSyncCalls(data.sync, (op, args) => requests.answerNow(op, args));
  port.on('message', (message: ProcessMessage) => {
    if (message.type === 'request') {
      requests.answer(message.op, message.args).then(
        (result) => send({ type: 'reply', id: message.id, result }),
        (error) => send({ type: 'reply', id: message.id, error: toThreadError(error) }),
      );
      return;
    }
    void app.close().finally(() => {
      stopServing();
      send({ type: 'closed' });
      port.close();
    });
  });
  try {
    await app.start();
  } catch (error) {
    send({ type: 'start-failed', error: toThreadError(error) });
    return;
  }
  requests.publishView();
  send({ type: 'started' });
}

main().catch((error) => send({ type: 'start-failed', error: toThreadError(error) }));
