import { POSITION_HEADER, formatPosition, type HttpAnswer } from '@platform/nest-streams';
import type { QueryPosition } from '@platform/streams';

/** A JSON answer (Airy bodies are snake_case JSON, errors `{ message }`). */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpAnswer {
  return { status, headers, body: { json: body } };
}

export function notFound(what: string, id: string): HttpAnswer {
  return json(404, { message: `${what} ${id} not found` });
}

/** 204 without a body (Airy's answer to deletes), still naming the write's position. */
export function noContent(position: QueryPosition): HttpAnswer {
  return { status: 204, headers: { [POSITION_HEADER]: formatPosition(position) }, body: { text: '' } };
}

/** The entity a write produced, with the write's position for read-your-writes on other replicas. */
export function written(status: number, body: unknown, position: QueryPosition): HttpAnswer {
  return json(status, body, { [POSITION_HEADER]: formatPosition(position) });
}

/** Airy's list shape; lists of admin entities are never paged (as in Airy), so both cursors are null. */
export function listAnswer<T>(data: readonly T[]): HttpAnswer {
  return json(200, { data, pagination_data: { previous_cursor: null, next_cursor: null, total: data.length } });
}
