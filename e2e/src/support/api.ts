import type { ResponseCheck } from './response-check';

/** A client of the platform's HTTP API as an Airy client uses it: POST dotted paths, JSON both ways. */
export interface ApiAnswer<T = unknown> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token?: string,
    /** When given, every success answer of `ok` must match the served OpenAPI document. */
    private readonly check?: ResponseCheck,
  ) {}

  withToken(token: string | undefined): ApiClient {
    return new ApiClient(this.baseUrl, token, this.check);
  }

  async post<T = Record<string, unknown>>(endpoint: string, body: unknown = {}, headers: Record<string, string> = {}): Promise<ApiAnswer<T>> {
    const response = await fetch(`${this.baseUrl}/${endpoint}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text for the failure message
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  /** POST that must succeed (2xx); the body otherwise makes the failure readable. */
  async ok<T = Record<string, unknown>>(endpoint: string, body: unknown = {}): Promise<T> {
    const answer = await this.post<T>(endpoint, body);
    if (answer.status < 200 || answer.status > 299) throw new Error(`${endpoint} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    const drift = this.check?.(endpoint, answer.status, answer.body);
    if (drift !== undefined) throw new Error(`answer differs from the OpenAPI document: ${drift}`);
    return answer.body;
  }
}

/** Sum of a Prometheus counter's samples (all label sets) in an app's /metrics text (on the API port it needs the system token). */
export async function metricSum(baseUrl: string, name: string, systemToken: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${systemToken}` } })).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = new RegExp(`^${name}(\\{[^}]*\\})?\\s+([0-9.eE+-]+)`).exec(line);
    if (match) sum += Number(match[2]);
  }
  return sum;
}
