import { Kafka, logLevel, type Admin, type KafkaConfig } from 'kafkajs';
import type { Logger } from '@platform/common';

export interface WriteProbeOptions {
  /** The app's connection settings; the probe's own client never retries and times out within `timeoutMs`. */
  readonly kafka: KafkaConfig;
  /** Topics the app writes: each of their partitions must have a leader. */
  readonly topics: readonly string[];
  /** Pause between two probes (default 2000 ms). */
  readonly intervalMs?: number;
  /** Longest wait for one probe's answer (default 2000 ms). */
  readonly timeoutMs?: number;
  readonly logger?: Logger;
  readonly clock?: () => number;
}

/** What `/health/*` shows about writes. */
export interface WriteReadiness {
  readonly status: 'UP' | 'DOWN';
  /** Milliseconds since the broker last answered the probe; null if it never did. */
  readonly lastSuccessAgoMs: number | null;
  /** Why writes are DOWN, without addresses. */
  readonly reason?: string;
}

/**
 * "Can this app accept writes": a cheap periodic metadata request for the topics the app writes, with
 * no kafkajs retries. UP while the last probe got every partition with a leader and is fresh (within
 * two intervals plus one timeout); DOWN right after a failed probe. Started and stopped by the
 * StreamsModule that is given it.
 */
export class WriteProbe {
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly clock: () => number;
  private admin: Admin | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private checking: Promise<string | undefined> | undefined;
  private stopped = false;
  private lastSuccess: number | undefined;
  private failure: string | undefined = 'not probed yet';

  constructor(private readonly options: WriteProbeOptions) {
    this.intervalMs = options.intervalMs ?? 2000;
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.clock = options.clock ?? Date.now;
  }

  /** Probes now, then every interval until `stop`. */
  start(): void {
    if (this.timer || this.stopped) return;
    const loop = () => {
      this.running = this.probe().finally(() => {
        if (!this.stopped) this.timer = setTimeout(loop, this.intervalMs);
      });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.checking;
    await this.admin?.disconnect().catch(() => undefined);
    this.admin = undefined;
  }

  report(): WriteReadiness {
    const ago = this.lastSuccess === undefined ? null : this.clock() - this.lastSuccess;
    if (this.failure !== undefined) return { status: 'DOWN', lastSuccessAgoMs: ago, reason: this.failure };
    if (ago === null || ago > 2 * this.intervalMs + this.timeoutMs) return { status: 'DOWN', lastSuccessAgoMs: ago, reason: 'the broker has not answered recently' };
    return { status: 'UP', lastSuccessAgoMs: ago };
  }

  /** One probe: its outcome becomes the report. */
  async probe(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`the broker did not answer within ${this.timeoutMs} ms`), this.timeoutMs)));
    try {
      // A check still running from a timed-out probe is not doubled.
      this.checking ??= this.check().finally(() => (this.checking = undefined));
      const failure = await Promise.race([this.checking, timeout]);
      const wasUp = this.lastSuccess !== undefined && this.failure === undefined;
      const wasDown = this.lastSuccess !== undefined && this.failure !== undefined;
      if (failure === undefined) {
        if (wasDown) this.options.logger?.info('writes are UP again');
        this.lastSuccess = this.clock();
      } else if (wasUp) {
        this.options.logger?.warn('writes are DOWN', { reason: failure });
      }
      this.failure = failure;
    } finally {
      clearTimeout(timer);
    }
  }

  /** undefined when the broker answered with a leader for every partition, else why not. */
  private async check(): Promise<string | undefined> {
    try {
      if (!this.admin) {
        const { kafka } = this.options;
        const client = new Kafka({
          ...kafka,
          clientId: `${kafka.clientId ?? 'platform'}-write-probe`,
          logLevel: logLevel.NOTHING,
          retry: { retries: 0 },
          connectionTimeout: Math.min(kafka.connectionTimeout ?? 1000, this.timeoutMs),
          requestTimeout: this.timeoutMs,
        });
        const admin = client.admin({ retry: { retries: 0 } });
        await admin.connect().catch(async (error: unknown) => {
          await admin.disconnect().catch(() => undefined);
          throw error;
        });
        this.admin = admin;
      }
      const { topics } = await this.admin.fetchTopicMetadata({ topics: [...this.options.topics] });
      for (const topic of topics) {
        const leaderless = topic.partitions.filter((p) => p.leader < 0).length;
        if (topic.partitions.length === 0 || leaderless > 0) return `topic ${topic.name} has ${leaderless} of ${topic.partitions.length} partitions without a leader`;
      }
      return undefined;
    } catch {
      return 'the broker does not answer';
    }
  }
}
