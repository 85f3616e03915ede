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
}

/**
 * The provider-specific part of ingress: checks the signature over the called URL and body (and that
 * the event's channel is connected) and says how to key and place the raw record. Throws
 * WebhookRejectedError (403 bad signature or refused channel, 400 malformed).
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
}

/**
 * Raw ingress: verify, then write the body untouched to `source.<provider>.events` (the router maps it
 * later; the topic stays replayable when the mapping changes). Nothing is written for a refused webhook.
 * Broker failures propagate (the caller answers 503 so the provider retries).
 */
export class RawIngress {
  constructor(private readonly options: RawIngressOptions) {}

  async accept(request: WebhookRequest): Promise<AcceptedWebhook> {
    const url = calledUrl(request, this.options);
    const accepted = await this.options.verifier.verify({ ...request, url });
    await this.options.sink.writeRaw(this.options.topic, accepted.key, request.body, accepted.placementKey);
    return accepted;
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
