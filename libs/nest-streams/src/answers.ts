import type { QueryFailure, QueryPosition } from '@platform/streams';
import type { HttpAnswer } from './http';
import { parsePositionHeader } from './position';

/** Marks a request forwarded to the owner, so the owner never forwards it again. */
export const FORWARDED_HEADER = 'x-streams-forwarded-from';
/** Optional request header for read-your-writes: `topic:partition:offset` of the client's write. */
export const POSITION_HEADER = 'x-streams-position';

export function jsonAnswer(status: number, json: unknown, headers: Record<string, string> = {}): HttpAnswer {
  return { status, headers, body: { json } };
}

/** 503 with `Retry-After` and `{ message }` (plus details such as restore progress). */
export function unavailable(message: string, retryAfterSeconds: number, details: Record<string, unknown> = {}): HttpAnswer {
  return jsonAnswer(503, { message, ...details }, { 'Retry-After': String(retryAfterSeconds) });
}

/**
 * The HTTP answer for a query that could not be answered here and is not forwarded:
 * `NOT_FOUND` → 404; every other reason (rebalancing, restoring, position not reached, stopped,
 * an owner that cannot be reached or would loop, and any reason the engine adds later, such as a
 * task isolated after repeated failures) → 503 with `Retry-After`, never a stale 200. Messages
 * name no internal address.
 */
export function failureAnswer(failure: QueryFailure, retryAfterSeconds: number): HttpAnswer {
  const reason: string = failure.reason;
  switch (failure.reason) {
    case 'NOT_FOUND':
      return jsonAnswer(404, { message: 'not found' });
    case 'REBALANCING':
      return unavailable('the streams application is rebalancing; retry later', retryAfterSeconds);
    case 'RESTORING':
      return unavailable('the store is restoring; retry later', retryAfterSeconds, { progress: failure.progress });
    case 'NOT_UP_TO_POSITION':
      return unavailable('the store has not caught up with the requested position yet; retry later', retryAfterSeconds, {
        position: { ...failure.position, offset: String(failure.position.offset) },
      });
    case 'NOT_RUNNING':
      return unavailable(`the streams application is not running (${failure.state})`, retryAfterSeconds);
    case 'NOT_OWNER':
      return unavailable('the instance that owns this key could not answer; retry later', retryAfterSeconds);
    default:
      return unavailable(`the store cannot answer now (${reason.toLowerCase()}); retry later`, retryAfterSeconds);
  }
}

/**
 * Parses `topic:partition:offset`; undefined when absent or malformed. Requests should use
 * `QueryRouter.checkPosition` (or `checkPosition`), which answers a malformed or foreign position with 400.
 */
export function parsePosition(raw: string | undefined): QueryPosition | undefined {
  const parsed = parsePositionHeader(raw);
  return parsed.ok ? parsed.position : undefined;
}

export function formatPosition(position: QueryPosition): string {
  return `${position.topic}:${position.partition}:${String(position.offset)}`;
}
