import { WebhookRejectedError } from './errors';
import { calledUrl, type CalledRequest, type PublicUrlOptions } from './public-url';

/** A provider's webhook request: where it was sent and its body, read within the ingress limit. */
export interface WebhookRequest extends CalledRequest {
  readonly body: Buffer;
}

/** A webhook request with the URL the provider called (what signatures cover). */
export interface CalledWebhook extends WebhookRequest {
  readonly url: string;
}

/** What a connector decides about a webhook: how its raw record is keyed and placed. */
export interface AcceptedWebhook {
  /** Kafka key of the raw record (provider event id, or a random id). */
  readonly key: string;
  /**
   * Placement key of the raw record, normally the conversation id the event belongs to: raw events
   * and messages are then co-partitioned, so one task routes a conversation's events and sends its replies.
   */
  readonly placementKey: string;
  /**
   * The raw record to write when it is not the request body. A provider's webhook leaves it unset: its
   * body is written untouched. A connector whose inbound is a call to its own API (the chat plugin's
   * `chatplugin.send`, authenticated by a visitor token rather than signed) sets the record it defines:
   * the posted content untouched inside, with what the verifier vouches for (who sent it) and when.
   */
  readonly record?: Buffer;
}

/**
 * The provider-specific part of ingress: checks the signature over the called URL and body (and that
 * the event's channel is connected) and says how to key and place the raw record. Throws
 * WebhookRejectedError (403 bad signature or refused channel, 400 malformed; 401 for an API caller's
 * bad credential).
 */
export interface WebhookVerifier {
  verify(webhook: CalledWebhook): AcceptedWebhook | Promise<AcceptedWebhook>;
}

/** Where raw records go (ChatWriter.writeRaw fits). */
export interface RawSink {
  writeRaw(topic: string, key: string, value: Buffer, placementKey: string): Promise<unknown>;
}

export interface RawIngressOptions extends PublicUrlOptions {
  /** `source.<provider>.events`, resolved with the namespace. */
  readonly topic: string;
  readonly sink: RawSink;
  readonly verifier: WebhookVerifier;
  /**
   * Whether the verifier checks a signature over the called URL (default true). An API connector whose
   * credential signs no URL (the chat plugin's visitor token) sets false: `webhook.url` is then the
   * request target as received, and a request is never refused for what rebuilding the URL needs (a Host).
   */
  readonly signedUrl?: boolean;
}

/**
 * Raw ingress: verify, then write the body untouched (or the verifier's `record`) to
 * `source.<provider>.events` (the router maps it later; the topic stays replayable when the mapping
 * changes). Nothing is written for a refused webhook. Broker failures propagate (the caller answers 503
 * so the provider retries).
 */
export class RawIngress {
  constructor(private readonly options: RawIngressOptions) {}

  /** Resolves with the verifier's decision once the raw record is written (`record` set to what was written). */
  async accept(request: WebhookRequest): Promise<AcceptedWebhook & { readonly record: Buffer }> {
    const url = this.options.signedUrl === false ? request.target : calledUrl(request, this.options);
    const accepted = await this.options.verifier.verify({ ...request, url });
    const record = accepted.record ?? request.body;
    await this.options.sink.writeRaw(this.options.topic, accepted.key, record, accepted.placementKey);
    return { ...accepted, record };
  }
}

/** Reads a request body, refusing (413) one over `maxBytes` as soon as it is exceeded. */
export async function readBoundedBody(stream: AsyncIterable<Buffer | string>, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    total += buffer.length;
    if (total > maxBytes) throw new WebhookRejectedError(413, `webhook body is over ${maxBytes} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, total);
}
