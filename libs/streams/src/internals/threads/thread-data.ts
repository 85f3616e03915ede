import type { KafkaConfig } from 'kafkajs';
import type { StreamsApplicationOptions, ThreadTopology } from '../runtime/options';
import type { SyncEndpoint } from './sync-channel';

/** Options as they reach a stream thread: no logger, metrics registry, clock or other functions. */
export type ThreadOptions = Omit<
  StreamsApplicationOptions,
  'logger' | 'metrics' | 'clock' | 'kafka' | 'deserializationExceptionHandler' | 'processingExceptionHandler' | 'productionExceptionHandler'
> & {
  readonly kafka: KafkaConfig;
  readonly deserializationExceptionHandler?: Exclude<StreamsApplicationOptions['deserializationExceptionHandler'], (...args: never[]) => unknown>;
  readonly processingExceptionHandler?: Exclude<StreamsApplicationOptions['processingExceptionHandler'], (...args: never[]) => unknown>;
  readonly productionExceptionHandler?: Exclude<StreamsApplicationOptions['productionExceptionHandler'], (...args: never[]) => unknown>;
};

/** The `workerData` of a stream thread. */
export interface ThreadData {
  readonly index: number;
  readonly topology: ThreadTopology;
  readonly options: ThreadOptions;
  /** Prefix of the process's metrics registry; undefined when the process has none. */
  readonly metricsPrefix: string | undefined;
  readonly sync: SyncEndpoint;
}
