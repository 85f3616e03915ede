/** The members of Node's `ServerResponse` (Express's response is one) that `writeJson` uses. */
export interface JsonResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(chunk: string): unknown;
}

/** A JSON body serialized already (a cached page): `writeJson` sends its text as is. */
export class JsonText {
  constructor(readonly text: string) {}
}

/**
 * Answers `status` with `body` as `application/json; charset=utf-8`: one `JSON.stringify` (none for a
 * `JsonText`) and one `end`. Express's `res.json` goes through `res.send`, which re-derives the content
 * type, converts the string to a Buffer and checks freshness for ETags we do not send (profiled: ~7% of
 * a `conversations.list` request).
 */
export function writeJson(res: JsonResponse, status: number, body: unknown): void {
  const text = body instanceof JsonText ? body.text : (JSON.stringify(body) as string | undefined) ?? '';
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', String(Buffer.byteLength(text, 'utf8')));
  res.end(text);
}
