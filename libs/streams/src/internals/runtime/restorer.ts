import type { Admin, Kafka } from 'kafkajs';
import type { Logger } from '@platform/common';
import type { EventHub } from './events';
import { RestoreLedger } from './restore/restore-ledger';
import { restoreWithConsumers } from './restore/restore-consumers';
import { restoreWithFetch, type FetchConnection } from './restore/restore-fetch';
import type { RestoreRequest } from './restore/restore-request';

export { INPUT_OFFSETS_HEADER, restoreRequests, type RestoreRequest } from './restore/restore-request';
export type { FetchConnection } from './restore/restore-fetch';

export interface RestorerOptions {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly applicationKey: string;
  readonly events: EventHub;
  readonly logger: Logger;
  /** Keeps the main consumer's membership alive while restoring. */
  readonly keepAlive: () => Promise<void>;
  /**
   * Connection settings for the engine's own fetch reader (known when the application was given a
   * KafkaConfig). Without them, or when that reader fails, kafkajs consumers restore.
   */
  readonly fetch?: FetchConnection;
}

/**
 * Replays changelog partitions into the task databases before the tasks process input: each from
 * its request's offset to the end captured at assignment, each fetched batch applied in one SQLite
 * transaction with its offset (`RestoreLedger`). The engine's own fetch reader does it when
 * connection settings are known; whatever it leaves (it failed: another leader, an unsupported
 * codec, a network error) is read by kafkajs consumers from where it stopped.
 */
export async function restore(requests: readonly RestoreRequest[], options: RestorerOptions): Promise<void> {
  if (requests.length === 0) return;
  const ledger = new RestoreLedger(requests, options.events);
  ledger.start();
  if (options.fetch) {
    try {
      await untilDone(restoreWithFetch(ledger, options.admin, options.fetch), options.keepAlive);
      options.logger.debug('changelogs restored', { reader: 'fetch', partitions: requests.length });
    } catch (error) {
      options.logger.warn('changelog fetch reader failed; kafkajs consumers restore the rest', { error: String(error), partitions: ledger.remaining });
    }
  }
  if (ledger.remaining === 0) return;
  const consumers = restoreWithConsumers(ledger, options);
  try {
    await untilDone(consumers.done, options.keepAlive);
  } finally {
    await consumers.stop();
  }
  options.logger.debug('changelogs restored', { reader: 'kafkajs', partitions: requests.length });
}

async function untilDone(done: Promise<void>, keepAlive: () => Promise<void>): Promise<void> {
  let settled = false;
  const watched = done.finally(() => (settled = true));
  while (!settled) {
    await Promise.race([watched, new Promise((r) => setTimeout(r, 1000))]);
    if (!settled) await keepAlive().catch(() => undefined);
  }
  await watched;
}
