/** One request as the fuzz suite sends it: any body text, any content type, any extra header. */
export interface RawRequest {
  readonly endpoint: string;
  /** What kind of body this is (schema-derived, mutation name, attack name), for the tally and failure messages. */
  readonly label: string;
  readonly body: string;
  /** `undefined` sends no content-type header at all. */
  readonly contentType?: string;
  readonly token?: string;
  readonly headers?: Record<string, string>;
}

export interface RawAnswer {
  readonly status: number;
  readonly text: string;
  readonly elapsedMs: number;
}

/** POSTs the request's bytes as they are (no JSON.stringify: the body may be invalid JSON or nested beyond any stack). */
export async function sendRaw(baseUrl: string, request: RawRequest, timeoutMs = 30_000): Promise<RawAnswer> {
  const headers: Record<string, string> = { ...(request.headers ?? {}) };
  if (request.contentType !== undefined) headers['content-type'] = request.contentType;
  if (request.token !== undefined) headers.authorization = `Bearer ${request.token}`;
  const started = performance.now();
  const response = await fetch(`${baseUrl}/${request.endpoint}`, {
    method: 'POST',
    // A Blob keeps fetch from adding its own `text/plain` content type when none is wanted.
    body: new Blob([request.body]),
    headers,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  return { status: response.status, text, elapsedMs: Math.round(performance.now() - started) };
}

/** Why an answer breaks the platform's error contract (5xx, or an error body that is not JSON with a string `message`); undefined when it keeps it. */
export function contractViolation(answer: RawAnswer): string | undefined {
  if (answer.status >= 500) return `answered ${answer.status}`;
  if (answer.status < 400) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.text);
  } catch {
    return `error ${answer.status} with a body that is not JSON`;
  }
  const message = typeof parsed === 'object' && parsed !== null ? (parsed as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? undefined : `error ${answer.status} without a string message`;
}

/** Runs `work` over `items` with at most `concurrency` in flight, keeping the input order in the results. */
export async function mapConcurrently<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
