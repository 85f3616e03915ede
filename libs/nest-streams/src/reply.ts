import type { QueryPosition } from '@platform/streams';
import { POSITION_HEADER, formatPosition, jsonAnswer } from './answers';
import { sendAnswer, type HttpAnswer, type HttpResponse } from './http';
import type { OwnerOutcome } from './query-router.service';

/** What a handler answers: a status, a JSON body (none for 204) and the position of the write it made. */
export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  /** Sent as `x-streams-position`: read-your-writes on any replica. */
  readonly position?: QueryPosition;
}

export function replyAnswer(reply: Reply): HttpAnswer {
  const headers: Record<string, string> = reply.position ? { [POSITION_HEADER]: formatPosition(reply.position) } : {};
  return reply.body === undefined ? { status: reply.status, headers, body: { text: '' } } : jsonAnswer(reply.status, reply.body, headers);
}

/** Sends what `runOnOwner` gave: the reply made here, or the owner's answer (or a 503) as is. */
export function sendOutcome(res: HttpResponse, outcome: OwnerOutcome<Reply>): void {
  sendAnswer(res, outcome.kind === 'here' ? replyAnswer(outcome.value) : outcome.answer);
}
