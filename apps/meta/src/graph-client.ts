import { isPlainObject, parseJsonSafely } from '@platform/chat-domain';

/** Graph's error body (`{"error":{…}}`), reference protocols §6.4. */
export interface GraphError {
  readonly message: string;
  readonly type?: string;
  readonly code?: number;
  readonly error_subcode?: number;
  readonly fbtrace_id?: string;
}

export type GraphAnswer = { readonly ok: true; readonly status: number; readonly body: Record<string, unknown> } | { readonly ok: false; readonly status: number; readonly error: GraphError };

export interface GraphClientOptions {
  /** `https://graph.facebook.com` or a local server speaking its wire format. */
  readonly baseUrl: string;
  /** `v25.0` */
  readonly version: string;
  readonly timeoutMs: number;
}

/** Largest Graph answer read (profiles, send results and page lists are a few KiB). */
const maxAnswerBytes = 1024 * 1024;

/**
 * The few Graph API calls the connector makes, over `fetch`: `Authorization: Bearer <token>` (never a
 * token in a URL, where proxies log it), JSON bodies, answers bounded. A non-2xx answer is Graph's error
 * body (or one made from the status); network failures and timeouts throw.
 */
export class GraphClient {
  constructor(private readonly options: GraphClientOptions) {}

  get(path: string, token: string, query: Record<string, string> = {}): Promise<GraphAnswer> {
    return this.call('GET', path, token, query, undefined);
  }

  post(path: string, token: string, body: unknown): Promise<GraphAnswer> {
    return this.call('POST', path, token, {}, body);
  }

  private async call(method: 'GET' | 'POST', path: string, token: string, query: Record<string, string>, body: unknown): Promise<GraphAnswer> {
    const url = new URL(`${this.options.baseUrl}/${this.options.version}/${path}`);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    const response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    const text = await boundedText(response);
    let parsed: unknown;
    try {
      parsed = text === '' ? {} : parseJsonSafely(text);
    } catch {
      parsed = undefined;
    }
    if (response.ok && isPlainObject(parsed)) return { ok: true, status: response.status, body: parsed };
    const error = isPlainObject(parsed) && isPlainObject(parsed.error) ? parsed.error : undefined;
    return {
      ok: false,
      status: response.ok ? 502 : response.status,
      error: {
        message: typeof error?.message === 'string' ? error.message.slice(0, 2000) : `HTTP ${response.status} without a Graph error body`,
        ...(typeof error?.type === 'string' ? { type: error.type.slice(0, 100) } : {}),
        ...(typeof error?.code === 'number' ? { code: error.code } : {}),
        ...(typeof error?.error_subcode === 'number' ? { error_subcode: error.error_subcode } : {}),
        ...(typeof error?.fbtrace_id === 'string' ? { fbtrace_id: error.fbtrace_id.slice(0, 100) } : {}),
      },
    };
  }
}

/** Graph error codes that are transient (1, 2 temporary; 4, 17, 32, 341, 613 throttling): retried, not FAILED. */
export function isTransient(status: number, error: GraphError): boolean {
  return status === 429 || status >= 500 || [1, 2, 4, 17, 32, 341, 613].includes(error.code ?? -1);
}

/** `Graph API refused … (HTTP 400, code 100/2018001): <message>` */
export function describeGraphError(what: string, status: number, error: GraphError): string {
  const code = error.code === undefined ? '' : `, code ${error.code}${error.error_subcode !== undefined ? `/${error.error_subcode}` : ''}`;
  return `Graph API refused ${what} (HTTP ${status}${code}): ${error.message}`;
}

async function boundedText(response: Response): Promise<string> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.length;
    if (total > maxAnswerBytes) {
      await response.body.cancel().catch(() => undefined);
      throw new Error(`Graph answer over ${maxAnswerBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
