import { Inject, Injectable } from '@nestjs/common';
import { writeJson } from '@platform/common';
import type { WritePosition } from '@platform/chat-streams';
import { POSITION_HEADER, QueryRouter, STREAMS_APPLICATION, formatPosition, sendAnswer, type HttpRequest, type HttpResponse } from '@platform/nest-streams';
import type { QueryPosition, StreamsApplication } from '@platform/streams';
import { BadRequestError, UnavailableError } from '../errors';
import { CommunicationStores } from '../streams/stores';
import { COMMUNICATION_SETTINGS, type CommunicationSettings } from './settings';

/** What a handler produces on the owner: the entity, and the position of the write it made. */
export interface Outcome {
  readonly body: unknown;
  readonly position?: WritePosition;
  /** The answer's status when not 200 (202 for an accepted message that starts a conversation). */
  readonly status?: number;
}

/**
 * Turns what handlers produce into answers: keyed requests run on the owner of the conversation (or
 * channel) through the owner-routing layer (`QueryRouter.runOnOwner`); the outcome, or the owner's
 * answer, becomes the response. Errors are not answered here: they propagate to the platform's
 * exception filter (the app's `communicationErrorMapping`). Read-your-writes positions are checked here.
 */
@Injectable()
export class Answers {
  constructor(
    @Inject(QueryRouter) private readonly router: QueryRouter,
    @Inject(STREAMS_APPLICATION) private readonly app: StreamsApplication,
    @Inject(COMMUNICATION_SETTINGS) private readonly settings: CommunicationSettings,
  ) {}

  /** Answers `req` with `run()` on the owner of `key` (a conversation or channel id), or with the owner's answer. */
  async onOwner(req: HttpRequest, res: HttpResponse, key: string, run: () => Promise<Outcome>): Promise<void> {
    const outcome = await this.router.runOnOwner(req, CommunicationStores.conversations, key, run);
    if (outcome.kind === 'answer') sendAnswer(res, outcome.answer);
    else this.send(res, outcome.value);
  }

  /** Answers with `run()` here (lists, lookups). */
  async answer(res: HttpResponse, run: () => Promise<Outcome>): Promise<void> {
    this.send(res, await run());
  }

  private send(res: HttpResponse, outcome: Outcome): void {
    if (outcome.position) res.setHeader(POSITION_HEADER, formatPosition(outcome.position));
    writeJson(res, outcome.status ?? 200, outcome.body);
  }

  /**
   * The read-your-writes position a client sent, when it concerns `key`'s partition of one of our
   * input topics (a position of another conversation would only make the read wait in vain).
   * Runs after the auth guard. A malformed position, or one naming a topic or partition this
   * application does not read, is a BadRequestError (400) before anything waits on it.
   */
  positionFor(req: HttpRequest, key: string): QueryPosition | undefined {
    const position = this.checkedPosition(req);
    if (!position) return undefined;
    const { messages, metadata, readReceipts } = this.settings.topics;
    if (![messages, metadata, readReceipts].includes(position.topic)) return undefined;
    return this.app.metadataForKey(CommunicationStores.conversations, key)?.partition === position.partition ? position : undefined;
  }

  /**
   * The request's `x-streams-position`, checked (400 naming the problem for a malformed or foreign one,
   * 503 before any assignment). Lists call it too: they do not wait on a position, but a bad header is
   * still the client's error, answered as such.
   */
  checkedPosition(req: HttpRequest): QueryPosition | undefined {
    const check = this.router.checkPosition(req);
    if (!check.ok) throw check.kind === 'invalid' ? new BadRequestError(check.message) : new UnavailableError(check.message);
    return check.position;
  }
}
