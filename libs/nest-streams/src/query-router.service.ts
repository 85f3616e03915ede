import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { describeCoverage, gatherFromAllOwners, ownerEndpoints, partitionCoverage, type KeyQueryOptions, type KeyQueryResult, type QueryPosition, type StreamsApplication } from '@platform/streams';
import { FORWARDED_HEADER, POSITION_HEADER, failureAnswer, jsonAnswer, unavailable } from './answers';
import { HeldParts, isUnchangedPart, KNOWN_STAMP_FIELD } from './held-parts';
import { PeerClient } from './peer-client';
import { PeerStamps, type StampWatchRoute } from './peer-stamps';
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

/** Where a handler ran: here (with its value) or on the owner, whose answer is to be sent as is (or a 503). */
export type OwnerOutcome<T> = { readonly kind: 'here'; readonly value: T } | { readonly kind: 'answer'; readonly answer: HttpAnswer };

/** One replica's part of a gathered list: what it found, and the partitions it answered for. */
export interface ListPart {
  readonly partitions: readonly number[];
  /** What the part was built from (see `stampedPart`); a part with a stamp may be reused while its replica's stamp is unchanged. */
  readonly stamp?: string;
}

export interface GatherListOptions<P extends ListPart> {
  /** What is listed, for 503 messages (`conversations`). */
  readonly what: string;
  /** Internal route answering a replica's part (`POST`, JSON `body`, 200 with a part). */
  readonly path: string;
  readonly body: unknown;
  /** Partition count of the listed store's input topic: every partition must answer exactly once. */
  readonly partitions: number;
  /** This replica's part; may throw (an error with a message is the reason this replica failed). */
  readonly local: () => P | Promise<P>;
  /** Checks a peer's JSON answer is a part (a malformed one counts as a failed replica). */
  readonly isPart: (body: unknown) => body is P;
  /** Authorization for the peer calls; default: the client's. */
  readonly authorization?: string;
  /**
   * Identity of the request (e.g. filters, cursor and page size): the stamped parts of peers are kept per
   * peer and request and sent again only when changed (`KNOWN_STAMP_FIELD`, `stampedPart`). `body` must then
   * be a JSON object. It must name everything a part depends on: a part that differs per caller (its
   * permissions, its tenant) needs the caller in the key, or it would be reused for another caller.
   * Without it every peer builds and sends its part each time.
   */
  readonly reuseKey?: string;
  /**
   * With `reuseKey`: the peers' route answering stamp watches (`answerStampWatch` over a `StampFeed` of the
   * same stamp their parts carry) and the credentials to call it with. Each peer's stamp is then kept known
   * here by one held call, and a held part whose stamp is the peer's current one is used without calling
   * the peer. The list then trails a peer's change by the time its watch answer takes to arrive.
   */
  readonly stampWatch?: StampWatchRoute;
}

/**
 * The one owner-routing layer of the apps. Makes a REST handler work with any number of replicas: the key is answered from the local store
 * when this instance owns it, else the request goes to the owner's `applicationServer` (same method,
 * path and query, marked so it is never forwarded twice), else 503 with `Retry-After`.
 */
@Injectable()
export class QueryRouter implements OnApplicationShutdown {
  /** Calls to the other replicas (forwarding, internal routes). */
  readonly peers: PeerClient;
  private readonly heldParts = new HeldParts<ListPart>();
  private readonly stamps: PeerStamps;

  constructor(
    @Inject(STREAMS_APPLICATION) private readonly app: StreamsApplication,
    @Inject(STREAMS_MODULE_OPTIONS) private readonly options: ResolvedModuleOptions,
  ) {
    this.peers = new PeerClient(() => this.app.metadata()?.endpoint, options.forwardTimeoutMs);
    this.stamps = new PeerStamps(this.peers);
  }

  onApplicationShutdown(): void {
    this.stamps.close();
    this.peers.close();
  }

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
      const answer = await this.peers.forward(result.owner, req);
      return { kind: 'answer', answer: answer ?? failureAnswer(result, retryAfterSeconds) };
    }
    return { kind: 'answer', answer: failureAnswer(result, retryAfterSeconds) };
  }

  /**
   * Runs `run` on the owner of `key` in `store`: here when this instance owns it (writes then wait
   * until their own store applied them: read-your-writes for every client, no header needed);
   * otherwise the same request goes to the owner, once (a forwarded request is never forwarded
   * again), and its answer is the outcome; 503 with `Retry-After` when no owner can take it.
   */
  async runOnOwner<T, K = string>(req: HttpRequest, store: string, key: K, run: () => Promise<T>, keySerde?: KeyQueryOptions<K>['keySerde']): Promise<OwnerOutcome<T>> {
    const { retryAfterSeconds } = this.options;
    const owner = this.app.metadataForKey(store, key, keySerde);
    if (owner?.local) return { kind: 'here', value: await run() };
    if (!owner?.endpoint) return { kind: 'answer', answer: failureAnswer({ ok: false, reason: 'REBALANCING' }, retryAfterSeconds) };
    // Assigned here but its task is not open (reopening, isolated): asking ourselves would not help.
    if (owner.endpoint === this.app.metadata()?.endpoint) return { kind: 'answer', answer: unavailable('the task that owns this key is not running here now; retry later', retryAfterSeconds) };
    const notOwner = failureAnswer({ ok: false, reason: 'NOT_OWNER', owner: owner.endpoint, taskId: owner.taskId }, retryAfterSeconds);
    if (headerValue(req, FORWARDED_HEADER) !== undefined) return { kind: 'answer', answer: notOwner };
    return { kind: 'answer', answer: (await this.peers.forward(owner.endpoint, req)) ?? notOwner };
  }

  /**
   * Scatter-gather: every replica that runs tasks answers its part of a list (this one through
   * `local`, the others through `path`), and the parts are complete only when every partition was
   * answered exactly once (after a crash the group may still assign partitions to the dead member
   * until its session expires; a task may move between two answers). Otherwise a 503 answer.
   */
  async gatherList<P extends ListPart>(req: HttpRequest, options: GatherListOptions<P>): Promise<{ readonly ok: true; readonly parts: P[] } | { readonly ok: false; readonly answer: HttpAnswer }> {
    const { retryAfterSeconds } = this.options;
    const self = this.app.metadata()?.endpoint;
    const owners = ownerEndpoints(this.app.allMetadata());
    if (owners.length === 0 || self === undefined) return { ok: false, answer: unavailable(`${options.what}: the streams application has no assignment yet; retry later`, retryAfterSeconds) };
    const callOptions = options.authorization === undefined ? { on: req } : { on: req, authorization: options.authorization };
    const gathered = await gatherFromAllOwners<P>(owners, async (endpoint) => {
      if (endpoint === self) return { ok: true, items: [await options.local()] };
      const key = options.reuseKey === undefined || typeof options.body !== 'object' || options.body === null ? undefined : HeldParts.key(endpoint, options.path, options.reuseKey);
      const held = key === undefined ? undefined : this.heldParts.get(key);
      // The peer's stamp as its watch last said: still the held part's, so the part is what it would send.
      // A request naming a position asks for state at least that new: every peer is asked, not watched.
      const watched = key === undefined || options.stampWatch === undefined || req.headers[POSITION_HEADER] !== undefined ? undefined : this.stamps.current(endpoint, options.stampWatch);
      if (held !== undefined && watched === held.stamp) return { ok: true, items: [held.part as P] };
      const body = held === undefined ? options.body : { ...(options.body as Record<string, unknown>), [KNOWN_STAMP_FIELD]: held.stamp };
      const reply = await this.peers.post<unknown>(endpoint, options.path, body, callOptions);
      if (!reply.ok) return { ok: false, reason: reply.reason };
      if (held !== undefined && isUnchangedPart(reply.body, held.stamp)) return { ok: true, items: [held.part as P] };
      if (!options.isPart(reply.body)) return { ok: false, reason: 'answered without a list part' };
      if (key !== undefined) {
        if (typeof reply.body.stamp === 'string') this.heldParts.put(key, reply.body.stamp, reply.body);
        else this.heldParts.forget(key);
      }
      return { ok: true, items: [reply.body] };
    });
    if (!gathered.complete) {
      const reasons = gathered.failed.map((f) => (f.endpoint === self ? `this replica: ${f.reason}` : `a replica: ${f.reason}`)).join('; ');
      return { ok: false, answer: unavailable(`${options.what}: not every replica could answer (${reasons}); retry later`, retryAfterSeconds) };
    }
    const coverage = partitionCoverage(gathered.items, options.partitions);
    if (!coverage.complete) return { ok: false, answer: unavailable(`${options.what}: ${describeCoverage(coverage)}; retry later`, retryAfterSeconds) };
    return { ok: true, parts: gathered.items };
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
