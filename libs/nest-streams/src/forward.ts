import { FORWARDED_HEADER, POSITION_HEADER } from './answers';
import type { HttpAnswer, HttpRequest } from './http';

/** Hop-by-hop and length headers that must not be copied onto the forwarded request. */
const DROPPED = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive', 'upgrade']);
/** Response headers passed back to the client. */
const KEPT = ['content-type', 'retry-after', 'location', 'etag', 'cache-control', POSITION_HEADER];

/**
 * Sends the request to `owner` (`host:port`) with the same method, path, query and headers, marked
 * with `FORWARDED_HEADER`, and returns the owner's answer; undefined when the owner is unreachable
 * or too slow (the caller answers 503).
 */
export async function forwardTo(owner: string, req: HttpRequest, self: string | undefined, timeoutMs: number): Promise<HttpAnswer | undefined> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || DROPPED.has(name.toLowerCase())) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  headers.set(FORWARDED_HEADER, self ?? 'unknown');
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && req.body !== undefined;
  if (hasBody) headers.set('content-type', 'application/json');
  try {
    const response = await fetch(`http://${owner}${req.originalUrl}`, {
      method: req.method,
      headers,
      body: hasBody ? JSON.stringify(req.body) : undefined,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    const kept: Record<string, string> = {};
    for (const name of KEPT) {
      const value = response.headers.get(name);
      if (value !== null) kept[name] = value;
    }
    return { status: response.status, headers: kept, body: { text } };
  } catch {
    return undefined;
  }
}
