import { Controller, Get, Inject, Res } from '@nestjs/common';
import { writeJson } from '@platform/common';
import { MetricsRegistry, contentType } from '@platform/metrics';
import type { StreamsApplication } from '@platform/streams';
import type { HttpResponse } from './http';
import type { ResolvedModuleOptions } from './options';
import { STREAMS_APPLICATION, STREAMS_MODULE_OPTIONS } from './tokens';
import type { WriteReadiness } from './write-probe';

/** The health JSON: the application's state, whether it serves reads, and whether it accepts writes. */
export interface HealthReport {
  readonly status: 'UP' | 'DOWN';
  readonly state: string;
  readonly reads: 'UP' | 'DOWN';
  /** Reads UP and, with a write probe, the broker answering it (`status` DOWN when either is not). */
  readonly writes: WriteReadiness;
  /**
   * Tasks stopped on one record they cannot get past (the engine's task isolation): their keys answer
   * 503 while every other task keeps serving, so they do not turn readiness DOWN. Empty when all is well.
   */
  readonly isolatedTasks: readonly IsolatedTaskReport[];
}

/** An isolated task as the health JSON shows it (the error's message is in the logs, not here). */
export interface IsolatedTaskReport {
  readonly taskId: string;
  readonly stage: string;
  readonly topic: string | null;
  readonly partition: number | null;
  readonly offset: string | null;
  readonly attempts: number;
  readonly since: string;
}

/**
 * Probes and metrics. Live: the process runs and the application has not failed (a broker outage
 * never fails it: restarting the process would not help). Ready (reads): the application is
 * RUNNING (not created, rebalancing, restoring, stopping or failed), so its stores answer. Writes:
 * ready for reads and the write probe (when configured) reaches a leader of every written topic.
 * Ready and writes list the isolated tasks, if any.
 */
@Controller()
export class HealthController {
  constructor(
    @Inject(STREAMS_APPLICATION) private readonly app: StreamsApplication,
    @Inject(STREAMS_MODULE_OPTIONS) private readonly options: ResolvedModuleOptions,
  ) {}

  @Get('health/live')
  live(@Res() res: HttpResponse): void {
    const state = this.app.state;
    writeJson(res, state === 'ERROR' ? 503 : 200, { status: state === 'ERROR' ? 'DOWN' : 'UP', state });
  }

  @Get('health/ready')
  ready(@Res() res: HttpResponse): void {
    const report = this.report();
    this.send(res, report.reads === 'UP', { ...report, status: report.reads });
  }

  @Get('health/writes')
  writes(@Res() res: HttpResponse): void {
    const report = this.report();
    this.send(res, report.writes.status === 'UP', { ...report, status: report.writes.status });
  }

  @Get('metrics')
  async metrics(@Res() res: HttpResponse): Promise<void> {
    if (this.options.metrics.length === 0) {
      writeJson(res, 404, { message: 'no metrics registry configured' });
      return;
    }
    res.setHeader('Content-Type', contentType);
    res.status(200).send(await MetricsRegistry.merge(this.options.metrics));
  }

  private report(): HealthReport {
    const state = this.app.state;
    const reads = state === 'RUNNING' ? 'UP' : 'DOWN';
    const probe = this.options.writeProbe?.report();
    let writes: WriteReadiness;
    if (reads === 'DOWN') writes = { status: 'DOWN', lastSuccessAgoMs: probe?.lastSuccessAgoMs ?? null, reason: `the application is ${state}` };
    else writes = probe ?? { status: 'UP', lastSuccessAgoMs: null };
    const isolatedTasks = this.app.isolatedTasks().map((task) => ({
      taskId: task.taskId,
      stage: task.stage,
      topic: task.topic ?? null,
      partition: task.partition ?? null,
      offset: task.offset ?? null,
      attempts: task.attempts,
      since: new Date(task.since).toISOString(),
    }));
    return { status: reads, state, reads, writes, isolatedTasks };
  }

  private send(res: HttpResponse, up: boolean, report: HealthReport): void {
    if (!up) res.setHeader('Retry-After', String(this.options.retryAfterSeconds));
    writeJson(res, up ? 200 : 503, report);
  }
}
