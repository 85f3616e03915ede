import { Inject, Injectable } from '@nestjs/common';
import type { WritePosition } from '@platform/chat-streams';
import { POSITION_HEADER, QueryRouter, STREAMS_APPLICATION, formatPosition, sendAnswer, type HttpRequest, type HttpResponse } from '@platform/nest-streams';
import { ownerEndpoints, type QueryPosition, type StreamsApplication } from '@platform/streams';
import { BadRequestError, errorStatus, NotFoundError, UnavailableError } from '../errors';
import { CommunicationStores } from '../streams/stores';
import { COMMUNICATION, type CommunicationHandles } from './settings';

/** What a handler produces on the owner: the entity, and the position of the write it made. */
export interface Outcome {
  readonly body: unknown;
  readonly position?: WritePosition;
}

/**
 * Runs handlers where their state lives. Keyed requests go to the owner of the conversation (or
 * channel) through `QueryRouter.forwardToOwner`; on the owner the handler runs and its outcome or
 * error becomes the answer. Messages known only by id are located on whichever replica has them.
 */
@Injectable()
export class Routing {
  constructor(
    @Inject(QueryRouter) private readonly router: QueryRouter,
    @Inject(STREAMS_APPLICATION) private readonly app: StreamsApplication,
    @Inject(COMMUNICATION) private readonly handles: CommunicationHandles,
  ) {}

  /** Answers `req` with `run()` on the owner of `key` (a conversation or channel id). */
  async onOwner(req: HttpRequest, res: HttpResponse, key: string, run: () => Promise<Outcome>): Promise<void> {
    const forwarded = await this.router.forwardToOwner(req, CommunicationStores.conversations, key);
    if (forwarded) {
      sendAnswer(res, forwarded);
      return;
    }
    await this.answer(res, run);
  }

  /** Answers `req` with `run()` here (lists, lookups), mapping errors to `{ message }`. */
  async answer(res: HttpResponse, run: () => Promise<Outcome>): Promise<void> {
    let outcome: Outcome;
    try {
      outcome = await run();
    } catch (error) {
      this.fail(res, error);
      return;
    }
    if (outcome.position) res.setHeader(POSITION_HEADER, formatPosition(outcome.position));
    res.status(200).json(outcome.body);
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
    const { messages, metadata, readReceipts } = this.handles.topics;
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

  /**
   * The conversation of a message known by id only: from this replica's message index, else from the
   * replica that has it. NotFoundError when every replica answered without it; UnavailableError when
   * one could not answer.
   */
  async conversationOfMessage(req: HttpRequest, messageId: string): Promise<string> {
    const local = this.handles.messages.locate(messageId);
    if (local !== undefined) return local;
    const self = this.app.metadata()?.endpoint;
    if (!this.handles.access.ready() || self === undefined) throw new UnavailableError('the streams application is not running yet; retry later');
    const peers = ownerEndpoints(this.app.allMetadata()).filter((endpoint) => endpoint !== self);
    const answers = await Promise.all(peers.map((peer) => this.locateOn(peer, req, messageId)));
    const found = answers.find((answer) => typeof answer === 'string');
    if (found !== undefined) return found;
    if (answers.some((answer) => answer === 'unavailable')) throw new UnavailableError(`could not ask every replica for message ${messageId}; retry later`);
    throw new NotFoundError(`message ${messageId} not found`);
  }

  /** POSTs `body` to `path` of another replica with the caller's credentials. */
  async callPeer(peer: string, req: HttpRequest, path: string, body: unknown): Promise<Response> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const authorization = req.headers.authorization;
    if (typeof authorization === 'string') headers.authorization = authorization;
    return fetch(`http://${peer}${path}`, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(this.handles.peerTimeoutMs) });
  }

  private async locateOn(peer: string, req: HttpRequest, messageId: string): Promise<string | 'missing' | 'unavailable'> {
    try {
      const response = await this.callPeer(peer, req, '/internal/messages.locate', { message_id: messageId });
      if (response.status === 404) return 'missing';
      if (!response.ok) return 'unavailable';
      const body = (await response.json()) as { conversation_id?: unknown };
      return typeof body.conversation_id === 'string' ? body.conversation_id : 'unavailable';
    } catch {
      return 'unavailable';
    }
  }

  private fail(res: HttpResponse, error: unknown): void {
    const { status, message } = errorStatus(error);
    if (status >= 500 && status !== 503) throw error;
    if (status === 503) res.setHeader('Retry-After', String(this.handles.retryAfterSeconds));
    sendAnswer(res, { status, headers: {}, body: { json: { message } } });
  }
}
