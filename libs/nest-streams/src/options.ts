import type { MetricsRegistry } from '@platform/metrics';
import type { StreamsApplication } from '@platform/streams';
import type { WriteProbe } from './write-probe';

export interface StreamsModuleOptions {
  /** The application, or a (possibly async) factory creating it once the Nest app starts. */
  readonly application: StreamsApplication | (() => StreamsApplication | Promise<StreamsApplication>);
  /** Registries rendered by `GET /metrics` (merged in order); 404 when none is given. */
  readonly metrics?: MetricsRegistry | readonly MetricsRegistry[];
  /** `Retry-After` seconds on 503 answers (default 1). */
  readonly retryAfterSeconds?: number;
  /** Timeout of a forwarded request to the owner (default 5000 ms). */
  readonly forwardTimeoutMs?: number;
  /** Wait for position reads before answering `NOT_UP_TO_POSITION` (default 5000 ms). */
  readonly positionTimeoutMs?: number;
  /** "Can accept writes" for `/health/writes` (started and stopped with the module); without it writes follow reads. */
  readonly writeProbe?: WriteProbe;
}

export interface ResolvedModuleOptions {
  readonly metrics: readonly MetricsRegistry[];
  readonly retryAfterSeconds: number;
  readonly forwardTimeoutMs: number;
  readonly positionTimeoutMs: number;
  readonly writeProbe?: WriteProbe;
}

export function resolveModuleOptions(options: StreamsModuleOptions): ResolvedModuleOptions {
  const metrics = options.metrics === undefined ? [] : Array.isArray(options.metrics) ? options.metrics : [options.metrics as MetricsRegistry];
  return {
    metrics,
    retryAfterSeconds: options.retryAfterSeconds ?? 1,
    forwardTimeoutMs: options.forwardTimeoutMs ?? 5000,
    positionTimeoutMs: options.positionTimeoutMs ?? 5000,
    ...(options.writeProbe ? { writeProbe: options.writeProbe } : {}),
  };
}
