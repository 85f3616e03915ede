import { TopicDeclaration } from '../declaration';
import { DAY_MS, DEFAULT_MAX_MESSAGE_BYTES } from './defaults';

/** Operational data: component states and HTTP request logs. */
export const opsTopics: readonly TopicDeclaration[] = [
  {
    name: 'ops.application.components',
    description: 'Component installation status as Metadata records with subject "component".',
    key: { format: 'string', meaning: 'UUIDv5(subject, identifier, key)' },
    value: { format: 'avro', schema: 'Metadata' },
    entity: true,
    partitions: 1,
    cleanupPolicy: 'compact',
    minCompactionLagMs: DAY_MS,
    maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
    owner: 'components',
  },
  {
    name: 'ops.application.logs',
    description: 'HTTP request logs (JSON), kept a week.',
    key: { format: 'string', meaning: 'random request id' },
    value: { format: 'json', meaning: '{ uri, body?, userId?, headers }' },
    entity: false,
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: 7 * DAY_MS,
    maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
    owner: 'gateway',
  },
  {
    name: 'ops.control.senders',
    description: 'Per application id, which app version performs side effects (provider sends, webhook calls) from which time on; written by the CLI (app reprocess / rollback), read by every version.',
    key: { format: 'string', meaning: 'application id (<namespace>.<app>)' },
    value: { format: 'json', meaning: '{ epochs: [{ version, from }] } (from: epoch ms)' },
    entity: true,
    partitions: 1,
    cleanupPolicy: 'compact',
    maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
    owner: 'cli',
  },
];
