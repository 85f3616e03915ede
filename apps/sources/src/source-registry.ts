import { bodySchema, maxIdLength, maxNameLength, maxUrlLength, validateBody } from '@platform/chat-domain';
import type { GlobalTable, WritePosition } from '@platform/chat-streams';
import type { Serde, Source } from '@platform/schemas';
import type { Producer } from 'kafkajs';
import { SourcesRequestError } from './errors';
import { isCustomSourceId } from './source-ids';
import { hashSourceToken, issueSourceToken, sourceIdOfToken, tokenMatches } from './source-token';

const sourceSchema = bodySchema({
  source_id: { type: 'string', required: true, maxLength: 64 },
  name: { type: 'string', maxLength: maxNameLength },
  image_url: { type: 'string', maxLength: maxUrlLength, pattern: /^https?:\/\/\S+$/, patternMessage: 'must be an http(s) URL' },
  action_endpoint: { type: 'string', maxLength: maxUrlLength, pattern: /^https?:\/\/\S+$/, patternMessage: 'must be an http(s) URL' },
});
const deleteSchema = bodySchema({ source_id: { type: 'string', required: true, maxLength: maxIdLength } });

/** Airy's source payload (the token only in the answer of `sources.create`). */
export interface SourcePayload {
  readonly source_id: string;
  readonly token?: string;
  readonly action_endpoint: string | null;
  readonly name: string | null;
  readonly image_url: string | null;
}

export interface SourceRegistryOptions {
  /** `application.communication.sources` (one partition, compacted). */
  readonly topic: string;
  readonly producer: Pick<Producer, 'send'>;
  readonly serde: Serde<Source>;
  readonly table: Pick<GlobalTable<Source>, 'get' | 'entries' | 'waitForPosition'>;
  readonly tokenSecret: string;
  readonly writeTimeoutMs: number;
  readonly now?: () => number;
}

/** `sources.create/update/list/delete` (system token) and the source-token check of the other endpoints. */
export class SourceRegistry {
  constructor(private readonly options: SourceRegistryOptions) {}

  /** A new source and its token, shown this once (only its SHA-256 is stored); 409 when the id exists. */
  async create(body: unknown): Promise<SourcePayload> {
    const request = this.checked(body);
    if (this.options.table.get(request.source_id)) throw new SourcesRequestError(409, 'Source already exists');
    const createdAt = (this.options.now ?? Date.now)();
    const token = issueSourceToken(this.options.tokenSecret, request.source_id, createdAt);
    const source: Source = { id: request.source_id, tokenHash: hashSourceToken(token), name: request.name ?? null, imageUrl: request.image_url ?? null, actionEndpoint: request.action_endpoint ?? null, createdAt };
    await this.write(source.id, source);
    return { ...payloadOf(source), token };
  }

  /** Name, image and action endpoint replaced (the token stays); 404 for an unknown source. */
  async update(body: unknown): Promise<SourcePayload> {
    const request = this.checked(body);
    const current = this.options.table.get(request.source_id);
    if (!current) throw new SourcesRequestError(404, `source ${request.source_id} not found`);
    const source: Source = { ...current, name: request.name ?? null, imageUrl: request.image_url ?? null, actionEndpoint: request.action_endpoint ?? null };
    await this.write(source.id, source);
    return payloadOf(source);
  }

  list(): { data: SourcePayload[] } {
    return { data: [...this.options.table.entries()].map(([, source]) => payloadOf(source)).sort((a, b) => a.source_id.localeCompare(b.source_id)) };
  }

  /** Removes the source (its token stops working at once; its channels stay, unusable). 404 for an unknown source. */
  async delete(body: unknown): Promise<void> {
    const checked = validateBody(body, deleteSchema);
    if (!checked.ok) throw new SourcesRequestError(400, checked.message);
    if (!this.options.table.get(checked.value.source_id)) throw new SourcesRequestError(404, `source ${checked.value.source_id} not found`);
    await this.write(checked.value.source_id, null);
  }

  get(id: string): Source | undefined {
    return this.options.table.get(id);
  }

  /** The source of `Authorization: Bearer <source token>`: 401 without one, 403 for a token of no source. */
  authenticate(authorization: string | undefined): Source {
    const match = /^Bearer ([^\s]{1,512})$/.exec(authorization ?? '');
    if (!match) throw new SourcesRequestError(401, 'a source token is required (Authorization: Bearer <token>)');
    const id = sourceIdOfToken(match[1]!);
    const source = id === undefined ? undefined : this.options.table.get(id);
    if (!source || !tokenMatches(match[1]!, source.tokenHash)) throw new SourcesRequestError(403, 'invalid source token');
    return source;
  }

  /** The token of a source, derived again (for signing its action-endpoint calls). */
  tokenOf(source: Source): string {
    return issueSourceToken(this.options.tokenSecret, source.id, source.createdAt);
  }

  private checked(body: unknown) {
    const checked = validateBody(body, sourceSchema);
    if (!checked.ok) throw new SourcesRequestError(400, checked.message);
    if (!isCustomSourceId(checked.value.source_id)) {
      throw new SourcesRequestError(400, 'source_id: 1-64 of a-z, 0-9, "_" and "-", starting with a letter or digit, and not a built-in source');
    }
    return checked.value;
  }

  private async write(id: string, source: Source | null): Promise<WritePosition> {
    const value = source === null ? null : await this.options.serde.serialize(this.options.topic, source);
    const [sent] = await this.options.producer.send({ topic: this.options.topic, acks: -1, timeout: this.options.writeTimeoutMs, messages: [{ key: id, value, partition: 0 }] });
    const position = { topic: this.options.topic, partition: 0, offset: String(sent?.baseOffset ?? '0') };
    // Read-your-writes: the next request (a webhook with the new token) sees it.
    await this.options.table.waitForPosition(0, position.offset, 5000);
    return position;
  }
}

function payloadOf(source: Source): SourcePayload {
  return { source_id: source.id, action_endpoint: source.actionEndpoint ?? null, name: source.name ?? null, image_url: source.imageUrl ?? null };
}
