import { Controller, Get, Inject, Res } from '@nestjs/common';
import { MetricsRegistry, contentType } from '@platform/metrics';
import type { StreamsApplication } from '@platform/streams';
import type { HttpResponse } from './http';
import type { ResolvedModuleOptions } from './options';
import { STREAMS_APPLICATION, STREAMS_MODULE_OPTIONS } from './tokens';

/**
 * Probes and metrics. Live: the process runs and the application has not failed. Ready: the
 * application is RUNNING (not created, rebalancing, restoring, stopping or failed).
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
    res.status(state === 'ERROR' ? 503 : 200).json({ status: state === 'ERROR' ? 'DOWN' : 'UP', state });
  }

  @Get('health/ready')
  ready(@Res() res: HttpResponse): void {
    const state = this.app.state;
    const ready = state === 'RUNNING';
    if (!ready) res.setHeader('Retry-After', String(this.options.retryAfterSeconds));
    res.status(ready ? 200 : 503).json({ status: ready ? 'UP' : 'DOWN', state });
  }

  @Get('metrics')
  metrics(@Res() res: HttpResponse): void {
    if (this.options.metrics.length === 0) {
      res.status(404).json({ message: 'no metrics registry configured' });
      return;
    }
    res.setHeader('Content-Type', contentType);
    res.status(200).send(MetricsRegistry.merge(this.options.metrics));
  }
}
