import type { Kafka, KafkaConfig } from 'kafkajs';
import type { Logger } from '@platform/common';
import type { MetricsRegistry } from '@platform/metrics';
import type { ExceptionHandler } from './exception-handlers';
import { DEFAULT_MAX_TASK_ATTEMPTS, type TaskFailureHandling } from './task-isolation';
import { BROKER_DEFAULT_MAX_MESSAGE_BYTES } from './topic-limits';
import type { ApplicationIdentity } from '../topology/names';
import { codecByName, type CompressionName } from '../compression/codecs';
import type { ProducePath } from '../client/output-producer';
import type { FetchPath } from '../client/input-fetcher';
import { StreamsError } from '../../errors';
import type { TopologySpec } from '../topology/spec';

export interface StreamsApplicationOptions {
  /** Identity: the consumer group is `<id>-v<version>`, internal topics are prefixed with it. */
  readonly app: ApplicationIdentity;
  /** A kafkajs Kafka instance, or the config to create one. */
  readonly kafka: Kafka | KafkaConfig;
  /** Root of the local state: `<stateDir>/<applicationKey>/<taskId>/state.db`. */
  readonly stateDir: string;
  /** `host:port` this instance advertises for interactive queries. */
  readonly applicationServer?: string;
  /** How often progress is committed (default 1000 ms). */
  readonly commitIntervalMs?: number;
  /** Granularity of the wall-clock punctuation timer (default 100 ms). */
  readonly punctuationTickMs?: number;
  /** Records processed between heartbeats/liveness checks inside a batch (default 500). */
  readonly chunkSize?: number;
  /** Outputs buffered before they are handed to the producer (default 5000). */
  readonly maxBufferedOutputs?: number;
  /** Consumer session timeout (default 30 000 ms). */
  readonly sessionTimeoutMs?: number;
  /**
   * `at-least-once` (default): outputs and changelogs acked, then local state, then group offsets.
   * `exactly-once`: per task, outputs + changelogs + input offsets commit in one Kafka transaction
   * (one transactional producer per task, id `<id>-v<version>-<taskId>`), and local state is
   * applied only after that transaction committed.
   */
  readonly processingGuarantee?: ProcessingGuarantee;
  readonly logger?: Logger;
  /** Records whose source serdes throw: `'fail'` (default), `{ deadLetterTopic? }` or a function. */
  readonly deserializationExceptionHandler?: ExceptionHandler;
  /** Records a processor throws on: `'fail'` (default), `{ deadLetterTopic? }` or a function. */
  readonly processingExceptionHandler?: ExceptionHandler;
  /**
   * Input records of which a derived record (sink output, changelog record of a store write,
   * repartition record) cannot be produced — larger than its topic's `max.message.bytes`, or its
   * serializer throws: `'fail'` (default), `{ deadLetterTopic? }` or a function. Checked when the
   * record is handed over; the input record's store writes and outputs are rolled back first.
   */
  readonly productionExceptionHandler?: ExceptionHandler;
  /** A task failing on a record no handler took: `'fail'` (default: application ERROR) or `'isolate'`. */
  readonly taskFailureHandling?: TaskFailureHandling;
  /** Attempts on one record (or consecutive aborted transactions) before a task is isolated (default 3). */
  readonly maxTaskAttempts?: number;
  /** `max.message.bytes` of the changelog and repartition topics the application creates (default 1048588, the broker default). */
  readonly internalTopicMaxMessageBytes?: number;
  /**
   * Codec of the record batches the application writes (outputs, changelogs, repartition and
   * dead-letter records), as the Java client's `compression.type`: `'none'` (default), `'gzip'`,
   * `'snappy'`, `'lz4'` or `'zstd'`. Reading handles every codec whatever this says.
   */
  readonly compression?: CompressionName;
  /**
   * Client of the at-least-once outputs (sink, changelog, repartition and dead-letter records):
   * `'kafkajs'` (default) or `'lean'`, the engine's own produce path (one-pass batch encoding, one
   * Produce request per leader). `'lean'` needs `kafka` as a config with no SASL or SASL PLAIN, else
   * kafkajs is used. Exactly-once task producers are kafkajs' either way.
   */
  readonly producePath?: ProducePath;
  /**
   * Client that reads the input for processing: `'kafkajs'` (default) or `'lean'`, the engine's own
   * fetch path (record batches decoded straight from the Fetch response, one connection per leader,
   * the next fetch in flight while a response is processed); kafkajs keeps the group membership,
   * heartbeats and offset commits either way. `'lean'` needs `kafka` as a config with no SASL or SASL
   * PLAIN, else kafkajs is used.
   */
  readonly fetchPath?: FetchPath;
  /**
   * Stream threads of this process, as Kafka Streams' `num.stream.threads` (default 1: the tasks run
   * on the calling thread). With more, each is a worker thread and a member of the group with its
   * own clients and SQLite handles under `<stateDir>/threads/<n>/`; the group's assignor spreads the
   * tasks over every thread of every process. Needs `threadTopology` (a topology holds functions,
   * which cannot cross threads) and `kafka` as a config; functions in it (`logCreator`, ...) stay on
   * the calling thread.
   */
  readonly numStreamThreads?: number;
  /** Where each stream thread builds its topology: see `ThreadTopology`. */
  readonly threadTopology?: ThreadTopology;
  /**
   * A stream thread that dies (its worker exits or its tasks go to ERROR): `'replace'` (default)
   * starts a new thread in its place, keeping its local state; `'fail'` stops every thread and
   * moves the application to ERROR.
   */
  readonly threadFailureHandling?: ThreadFailureHandling;
  /** Prometheus registry for the application's metrics; none by default. */
  readonly metrics?: MetricsRegistry;
  /** Wall clock (epoch ms); injectable for tests. */
  readonly clock?: () => number;
}

export type ProcessingGuarantee = 'at-least-once' | 'exactly-once';

export type ThreadFailureHandling = 'replace' | 'fail';

/**
 * The module a stream thread loads (`require`; a `.ts` file is loaded through tsx, for development)
 * and the function it exports (default `topology`), called once per thread with the thread's index
 * and `args` (structured-cloned: configuration read at the entry point travels this way), as a
 * `StreamThreadContext`.
 * It returns the topology, the same one the process was given, or the topology and the option
 * values that are functions (exception handlers), which are not copied to threads.
 */
export interface ThreadTopology {
  readonly module: string;
  readonly exportName?: string;
  readonly args?: unknown;
}

/** What a `threadTopology` export is called with, in each stream thread. */
export interface StreamThreadContext {
  readonly index: number;
  readonly args: unknown;
  /** The thread's logger: its lines go to the process's logger, with a `thread` field. */
  readonly logger: Logger;
}

export interface ThreadTopologyResult {
  readonly topology: TopologySpec;
  readonly options?: Partial<Pick<StreamsApplicationOptions, 'deserializationExceptionHandler' | 'processingExceptionHandler' | 'productionExceptionHandler'>>;
}

export interface ResolvedOptions {
  readonly processingGuarantee: ProcessingGuarantee;
  readonly commitIntervalMs: number;
  readonly punctuationTickMs: number;
  readonly chunkSize: number;
  readonly maxBufferedOutputs: number;
  readonly sessionTimeoutMs: number;
  readonly taskFailureHandling: TaskFailureHandling;
  readonly maxTaskAttempts: number;
  readonly internalTopicMaxMessageBytes: number;
  readonly compression: CompressionName;
  readonly producePath: ProducePath;
  readonly fetchPath: FetchPath;
  readonly numStreamThreads: number;
  readonly threadFailureHandling: ThreadFailureHandling;
}

export function resolveOptions(options: StreamsApplicationOptions): ResolvedOptions {
  return {
    processingGuarantee: options.processingGuarantee ?? 'at-least-once',
    commitIntervalMs: options.commitIntervalMs ?? 1000,
    punctuationTickMs: options.punctuationTickMs ?? 100,
    chunkSize: options.chunkSize ?? 500,
    maxBufferedOutputs: options.maxBufferedOutputs ?? 5000,
    sessionTimeoutMs: options.sessionTimeoutMs ?? 30000,
    taskFailureHandling: options.taskFailureHandling ?? 'fail',
    maxTaskAttempts: Math.max(1, Math.floor(options.maxTaskAttempts ?? DEFAULT_MAX_TASK_ATTEMPTS)),
    internalTopicMaxMessageBytes: options.internalTopicMaxMessageBytes ?? BROKER_DEFAULT_MAX_MESSAGE_BYTES,
    // an unknown name fails here, in the constructor; a missing codec package at start()
    compression: codecByName(options.compression ?? 'none').name,
    producePath: pathOf('producePath', options.producePath),
    fetchPath: pathOf('fetchPath', options.fetchPath),
    numStreamThreads: threadCount(options.numStreamThreads),
    threadFailureHandling: threadFailureOf(options.threadFailureHandling),
  };
}

function pathOf(option: string, path: string | undefined): 'kafkajs' | 'lean' {
  if (path === undefined || path === 'kafkajs' || path === 'lean') return path ?? 'kafkajs';
  throw new StreamsError(`${option} must be 'kafkajs' or 'lean', not ${JSON.stringify(path)}`);
}

function threadCount(count: number | undefined): number {
  if (count === undefined) return 1;
  if (!Number.isInteger(count) || count < 1) throw new StreamsError(`numStreamThreads must be an integer of at least 1, not ${count}`);
  return count;
}

function threadFailureOf(handling: string | undefined): ThreadFailureHandling {
  if (handling === undefined || handling === 'replace' || handling === 'fail') return handling ?? 'replace';
  throw new StreamsError(`threadFailureHandling must be 'replace' or 'fail', not ${JSON.stringify(handling)}`);
}
