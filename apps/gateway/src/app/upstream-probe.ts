import type { Logger } from '@platform/common';
import { mergeOpenApi, type OpenApiLike } from '../openapi-merge';
import type { Upstreams } from '../routing/proxy-middleware';

export interface ReadinessReport {
  readonly ready: boolean;
  readonly upstreams: Readonly<Record<string, 'UP' | 'DOWN'>>;
}

/** Asks the apps behind the gateway: are they live, and what is their OpenAPI document. */
export class UpstreamProbe {
  constructor(
    private readonly upstreams: Upstreams,
    private readonly logger: Logger,
    private readonly timeoutMs = 2000,
  ) {}

  /** Ready when every configured app answers `GET /health/live` with 200. */
  async readiness(): Promise<ReadinessReport> {
    const entries = await Promise.all(
      Object.entries(this.upstreams).map(async ([app, url]) => {
        const response = await this.get(new URL('/health/live', url));
        return [app, response?.ok === true ? 'UP' : 'DOWN'] as const;
      }),
    );
    return { ready: entries.length > 0 && entries.every(([, state]) => state === 'UP'), upstreams: Object.fromEntries(entries) };
  }

  /** Every app's `/openapi.json`, merged; apps that do not answer are listed as unavailable. */
  async openapi(info: { title: string; version: string }): Promise<OpenApiLike> {
    const parts: Array<{ app: string; document: OpenApiLike }> = [];
    const unavailable: string[] = [];
    await Promise.all(
      Object.entries(this.upstreams).map(async ([app, url]) => {
        const response = await this.get(new URL('/openapi.json', url));
        const document = response?.ok === true ? await response.json().catch(() => undefined) : undefined;
        if (typeof document === 'object' && document !== null) parts.push({ app, document: document as OpenApiLike });
        else unavailable.push(app);
      }),
    );
    const order = Object.keys(this.upstreams);
    parts.sort((a, b) => order.indexOf(a.app) - order.indexOf(b.app));
    const { document, conflicts } = mergeOpenApi(parts, info, unavailable.sort());
    if (conflicts.length > 0) this.logger.warn('OpenAPI documents of the apps conflict', { conflicts });
    return document;
  }

  private async get(url: URL): Promise<Response | undefined> {
    try {
      return await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs) });
    } catch {
      return undefined;
    }
  }
}
