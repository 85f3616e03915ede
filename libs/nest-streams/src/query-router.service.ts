import { Inject, Injectable } from '@nestjs/common';
import type { KeyQueryOptions, KeyQueryResult, QueryPosition, StreamsApplication } from '@platform/streams';
import { FORWARDED_HEADER, POSITION_HEADER, failureAnswer, jsonAnswer, unavailable } from './answers';
import { forwardTo } from './forward';
import { headerValue, sendAnswer, type HttpAnswer, type HttpRequest, type HttpResponse } from './http';
import type { ResolvedModuleOptions } from './options';
import { checkPosition, inputPartitions, type PositionCheck } from './position';
import { STREAMS_APPLICATION, STREAMS_MODULE_OPTIONS } from './tokens';

export interface RouteOptions<K> {
  readonly keySerde?: KeyQueryOptions<K>['keySerde'];
  /** Read-your-writes position; default: the request's `x-streams-position`, checked by `readPosition`. */
  readonly position?: QueryPosition;
  readonly timeoutMs?: number;
}

/** Where a query was answered: here (with the store's result) or by an HTTP answer to send as is. */
export type RouteOutcome<V> =
  | { readonly kind: 'local'; readonly result: Extract<KeyQueryResult<V>, { ok: true }> }
  | { readonly kind: 'answer'; readonly answer: HttpAnswer };

/**
 * Makes a REST handler work with any number of replicas: the key is answered from the local store
 * when this instance owns it, else the request goes to the owner's `applicationServer` (same method,
 * path and query, marked so it is never forwarded twice), else 503 with `Retry-After`.
 */
@Injectable()
export class QueryRouter {
  constructor(
    @Inject(STREAMS_APPLICATION) private readonly app: StreamsApplication,
    @Inject(STREAMS_MODULE_OPTIONS) private readonly options: ResolvedModuleOptions,
  ) {}

  /**
   * The request's `x-streams-position`, checked before anything waits on it: undefined when absent;
   * 400 `{ message }` when malformed, longer than its bound, repeated, or naming a topic that is not
   * an input of this application or a partition it does not have; 503 with `Retry-After` while the
   * application has no assignment to check it against.
   */
  readPosition(req: HttpRequest): { readonly position: QueryPosition | undefined } | { readonly answer: HttpAnswer } {
    const check = this.checkPosition(req);
    if (check.ok) return { position: check.position };
    if (check.kind === 'unknown') return { answer: unavailable(check.message, this.options.retryAfterSeconds) };
    return { answer: jsonAnswer(400, { message: check.message }) };
  }

  /** `readPosition` as a value, for handlers that map problems to their own errors (`invalid` → 400, `unknown` → 503). */
  checkPosition(req: HttpRequest): PositionCheck {
    return checkPosition(req.headers[POSITION_HEADER], inputPartitions(this.app.allMetadata()));
  }

  /** Resolves a key query for a request without sending anything. */
  async resolve<V, K = unknown>(req: HttpRequest, store: string, key: K, options: RouteOptions<K> = {}): Promise<RouteOutcome<V>> {
    let position = options.position;
    if (position === undefined) {
      const read = this.readPosition(req);
      if ('answer' in read) return { kind: 'answer', answer: read.answer };
      position = read.position;
    }
    const result = await this.app.query<V, K>(store, key, {
      keySerde: options.keySerde,
      position,
      timeoutMs: options.timeoutMs ?? this.options.positionTimeoutMs,
    });
    if (result.ok) return { kind: 'local', result };
    const { retryAfterSeconds } = this.options;
    if (result.reason === 'NOT_OWNER' && headerValue(req, FORWARDED_HEADER) === undefined) {
      const self = this.app.metadata()?.endpoint;
      const answer = await forwardTo(result.owner, req, self, this.options.forwardTimeoutMs);
      return { kind: 'answer', answer: answer ?? failureAnswer(result, retryAfterSeconds) };
    }
    return { kind: 'answer', answer: failureAnswer(result, retryAfterSeconds) };
  }

  /**
   * Runs writes on the owner of the key they touch, so the handler can wait until its own store has
   * applied the write before answering (read-your-writes for every client, no header needed).
   * Undefined when this instance owns `key` in `store` (handle the write here); otherwise the
   * owner's answer to the same request, or 503 with `Retry-After` when no owner can take it.
   */
  async forwardToOwner<K>(req: HttpRequest, store: string, key: K, keySerde?: KeyQueryOptions<K>['keySerde']): Promise<HttpAnswer | undefined> {
    const { retryAfterSeconds } = this.options;
    const owner = this.app.metadataForKey(store, key, keySerde);
    if (owner?.local) return undefined;
    if (!owner?.endpoint) return failureAnswer({ ok: false, reason: 'REBALANCING' }, retryAfterSeconds);
    if (headerValue(req, FORWARDED_HEADER) !== undefined) return failureAnswer({ ok: false, reason: 'NOT_OWNER', owner: owner.endpoint, taskId: owner.taskId }, retryAfterSeconds);
    const answer = await forwardTo(owner.endpoint, req, this.app.metadata()?.endpoint, this.options.forwardTimeoutMs);
    return answer ?? failureAnswer({ ok: false, reason: 'NOT_OWNER', owner: owner.endpoint, taskId: owner.taskId }, retryAfterSeconds);
  }

  /**
   * Answers a request for one key: 200 with `render(value)` (default: `{ key, value }`) when local,
   * the owner's response when forwarded, 404 when missing, 503 with `Retry-After` otherwise.
   */
  async answer<V, K = unknown>(
    req: HttpRequest,
    res: HttpResponse,
    store: string,
    key: K,
    render: (value: V) => unknown = (value) => ({ key, value }),
    options: RouteOptions<K> = {},
  ): Promise<void> {
    const outcome = await this.resolve<V, K>(req, store, key, options);
    sendAnswer(res, outcome.kind === 'local' ? jsonAnswer(200, render(outcome.result.value)) : outcome.answer);
  }
}
