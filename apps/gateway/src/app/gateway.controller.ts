import { Controller, Get, Inject, Res } from '@nestjs/common';
import { contentType } from '@platform/metrics';
import type { GatewayDeps } from './gateway-deps';
import { GATEWAY_DEPS } from './tokens';

interface Response {
  status(code: number): Response;
  setHeader(name: string, value: string): unknown;
  json(body: unknown): unknown;
  send(body: string): unknown;
}

/** The gateway's own routes: probes, metrics and the merged OpenAPI document. No auth here (see README). */
@Controller()
export class GatewayController {
  constructor(@Inject(GATEWAY_DEPS) private readonly deps: GatewayDeps) {}

  @Get('health/live')
  live(): { status: 'UP' } {
    return { status: 'UP' };
  }

  @Get('health/ready')
  async ready(@Res() res: Response): Promise<void> {
    const report = await this.deps.probe.readiness();
    if (!report.ready) res.setHeader('Retry-After', '1');
    res.status(report.ready ? 200 : 503).json({ status: report.ready ? 'UP' : 'DOWN', upstreams: report.upstreams });
  }

  @Get('metrics')
  async metrics(@Res() res: Response): Promise<void> {
    res.setHeader('Content-Type', contentType);
    res.status(200).send(await this.deps.metrics.registry.metrics());
  }

  @Get('openapi.json')
  openapi(): Promise<unknown> {
    return this.deps.probe.openapi({ title: 'Chat platform API', version: '1' });
  }
}
