import { BadRequestException } from '@nestjs/common';
import { RetryLaterException } from '@platform/nest-platform';
import type { QueryRouter, HttpRequest, Reply } from '@platform/nest-streams';
import type { QueryPosition } from '@platform/streams';
import type { Written } from '../streams/store-reads';

/** 200 with the value. */
export const ok = (body: unknown): Reply => ({ status: 200, body });
/** 201 (created) or 200 with the entity a write produced, and the write's position. */
export const written = (status: 200 | 201, result: Written<unknown>): Reply => ({ status, body: result.value, position: result.position });
/** 204 without a body (Airy's answer to deletes), still naming the write's position. */
export const noContent = (position: QueryPosition): Reply => ({ status: 204, position });

/** Airy's list shape; lists of admin entities are never paged (as in Airy), so both cursors are null. */
export function allAsPage<T>(data: readonly T[]): { data: readonly T[]; pagination_data: { previous_cursor: null; next_cursor: null; total: number } } {
  return { data, pagination_data: { previous_cursor: null, next_cursor: null, total: data.length } };
}

/** The request's `x-streams-position`, checked before anything waits on it: 400 when malformed or foreign, 503 before any assignment. */
export function positionOf(router: QueryRouter, req: HttpRequest, retryAfterSeconds: number): QueryPosition | undefined {
  const check = router.checkPosition(req);
  if (check.ok) return check.position;
  throw check.kind === 'invalid' ? new BadRequestException(check.message) : new RetryLaterException(check.message, retryAfterSeconds);
}
