import { writeJson, type JsonResponse } from '@platform/common';
/**
 * The few request/response members the adapter uses. Express's objects (Nest's default platform)
 * satisfy them; declaring them here keeps the lib free of @types/express.
 */
export interface HttpRequest {
  readonly method: string;
  /** Path and query string as received (`/counts/a?x=1`). */
  readonly originalUrl: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body?: unknown;
}

export interface HttpResponse extends JsonResponse {
  status(code: number): HttpResponse;
  send(body?: unknown): unknown;
}

/** A response to send: status, headers and a JSON body or raw text. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: { readonly json: unknown } | { readonly text: string };
}

export function sendAnswer(res: HttpResponse, answer: HttpAnswer): void {
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  if ('json' in answer.body) writeJson(res, answer.status, answer.body.json);
  else res.status(answer.status).send(answer.body.text);
}

export function headerValue(req: HttpRequest, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
