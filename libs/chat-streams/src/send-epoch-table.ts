import type { Kafka } from 'kafkajs';
import { parseSendEpochs, type Logger, type SendEpochs } from '@platform/common';
import type { Serde } from '@platform/schemas';
import { allTopics, topicName } from '@platform/topics';
import { ChatStreamsError } from './errors';
import { GlobalTable } from './global-table';

/** The compacted control topic the CLI writes (`app reprocess` / `app rollback`): per application id, its send epochs. */
export const SEND_EPOCHS_TOPIC = 'ops.control.senders';

/** A control record is a few epochs of JSON; anything larger is not one. */
const maxRecordBytes = 16 * 1024;

const sendEpochsSerde: Serde<SendEpochs> = {
  serialize: async (_topic, value) => Buffer.from(JSON.stringify(value), 'utf8'),
  deserialize: async (_topic, data) => {
    if (data.length > maxRecordBytes) throw new ChatStreamsError(`send epochs record of ${data.length} bytes (at most ${maxRecordBytes})`);
    const parsed = parseSendEpochs(JSON.parse(data.toString('utf8')));
    if (parsed === undefined) throw new ChatStreamsError('not a send epochs record ({ epochs: [{ version, from }] })');
    return parsed;
  },
};

export interface SendEpochTableOptions {
  readonly kafka: Kafka;
  /** `TOPICS_NAMESPACE` of the deployment (the control topic is `<namespace>.ops.control.senders`). */
  readonly namespace?: string;
  /** Prefix of the table's private consumer group, e.g. `<applicationId>-v<version>`. */
  readonly groupIdPrefix: string;
  readonly logger?: Logger;
}

/**
 * The send epochs of every application id, as a global table over the control topic: an app version gives
 * `sendEpochGuard(version, () => table.get(applicationId))` to whatever performs its side effects. Start it
 * before the streams application, close it after. A record that is not a valid control record is logged and
 * skipped (the previous value of its key stays).
 */
export function sendEpochTable(options: SendEpochTableOptions): GlobalTable<SendEpochs> {
  const declaration = allTopics.find((t) => t.name === SEND_EPOCHS_TOPIC);
  if (!declaration) throw new ChatStreamsError(`topic ${SEND_EPOCHS_TOPIC} is not declared in topics/`);
  return new GlobalTable<SendEpochs>({
    kafka: options.kafka,
    topic: topicName(declaration, options.namespace),
    serde: sendEpochsSerde,
    groupIdPrefix: options.groupIdPrefix,
    ...(options.logger ? { logger: options.logger } : {}),
    // The guard waits until the table is known complete past a send's time (a hand-over read late must not let two versions send).
    freshnessIntervalMs: 200,
  });
}
