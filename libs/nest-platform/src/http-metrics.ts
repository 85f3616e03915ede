import { Inject, Injectable } from '@nestjs/common';
import type { Counter, Histogram } from '@platform/metrics';
import type { PlatformRequest, PlatformResponse } from './http';
import type { ResolvedPlatformOptions } from './options';
import { PLATFORM_OPTIONS } from './tokens';

/** Route label of requests no route matched (keeps the label set bounded). */
export const unmatchedRoute = 'unmatched';

/**
 * `http_requests_total{method,route,status}` and `http_request_duration_seconds{method,route}`, recorded
 * by an Express middleware that `bootstrapApi` installs first, so body-parser refusals and 404s count too.
 * `route` is the matched route pattern, never the raw URL.
 */
@Injectable()
export class HttpMetrics {
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly duration: Histogram<'method' | 'route'>;

  constructor(@Inject(PLATFORM_OPTIONS) options: ResolvedPlatformOptions) {
    this.requests = options.metrics.counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, matched route and status.',
      labelNames: ['method', 'route', 'status'],
    });
    this.duration = options.metrics.histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from receiving an HTTP request to the end of its answer.',
      labelNames: ['method', 'route'],
    });
  }

  /** Express middleware: `app.use(metrics.middleware)`. */
  readonly middleware = (req: PlatformRequest, res: PlatformResponse, next: () => void): void => {
    const start = process.hrtime.bigint();
    let done = false;
    const record = (aborted: boolean) => {
      if (done) return;
      done = true;
      const route = typeof req.route?.path === 'string' ? req.route.path : unmatchedRoute;
      const status = aborted ? 'aborted' : String(res.statusCode);
      this.requests.labels({ method: req.method, route, status }).inc();
      this.duration.labels({ method: req.method, route }).observe(Number(process.hrtime.bigint() - start) / 1e9);
    };
    res.once('finish', () => record(false));
    res.once('close', () => record(!(res as { writableFinished?: boolean }).writableFinished));
    next();
  };
}
