import { isPlainObject, parseJsonSafely } from '@platform/chat-domain';
import { errorMessage } from '@platform/common';
import type { OutboundJob, SecretBox, SendOutcome } from '@platform/connector-kit';
import { describeGraphError, isTransient, type GraphClient } from './graph-client';
import { credentialsOf, FACEBOOK, WHATSAPP } from './meta-channels';
import { OUR_SEND_TAG } from './page-router';
import type { SentMids } from './sent-mids';

export interface MetaSenderOptions {
  readonly graph: GraphClient;
  readonly box: SecretBox | undefined;
  /** Graph calls per send while Graph throttles, fails with 5xx or does not answer (default 4). */
  readonly attempts?: number;
  /** Wait before the second call, doubled before each further one (default 1000 ms: 1 s, 2 s, 4 s). */
  readonly retryBaseMs?: number;
  /** Where the `message_id`s Graph answers to Messenger/Instagram sends are remembered (their echoes are ours). */
  readonly sent?: SentMids;
}

/**
 * Sends a PENDING message through the Graph API with the channel's (opened) token:
 * Messenger and Instagram `POST /{version}/me/messages` `{recipient:{id}, messaging_type:"RESPONSE", message}`
 * (content = Messenger's message object, e.g. `{"text":"…"}`; Messenger replies carry our `metadata`
 * tag, so their echo is known as ours), WhatsApp Cloud `POST /{version}/{phone-number-id}/messages`
 * `{messaging_product:"whatsapp", to, type, …}` (content = WhatsApp's message object, or `{"text":"…"}`).
 * 2xx → delivered with `message_id` / `messages[0].id`. Throttling (codes 4, 17, 32, 341, 613, HTTP 429),
 * temporary errors (1, 2, 5xx) and no answer are called again after 1 s, 2 s, 4 s… (`attempts` calls in
 * all), then failed with the last error; any other refusal → failed at once with Graph's message (and its
 * error body as `source.error`).
 */
export class MetaSender {
  private readonly attempts: number;
  private readonly retryBaseMs: number;

  constructor(private readonly options: MetaSenderOptions) {
    this.attempts = Math.max(1, options.attempts ?? 4);
    this.retryBaseMs = options.retryBaseMs ?? 1000;
  }

  async send(job: OutboundJob): Promise<SendOutcome> {
    const credentials = credentialsOf(job.channel, this.options.box);
    if (!credentials) return { status: 'failed', error: `channel ${job.channel.id} has no usable Meta token` };
    const whatsapp = job.channel.source === WHATSAPP;
    const request = whatsapp ? whatsappRequest(job) : pageRequest(job);
    if (typeof request === 'string') return { status: 'failed', error: request };
    let last: { error: string; providerError?: string } = { error: 'not sent' };
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      if (attempt > 1) await delay(this.retryBaseMs * 2 ** (attempt - 2));
      const outcome = await this.call(request, credentials.token, whatsapp);
      if (outcome.status !== 'retry') return outcome;
      last = outcome;
    }
    const error = `${last.error} (gave up after ${this.attempts} attempt${this.attempts === 1 ? '' : 's'})`;
    return { status: 'failed', error, ...(last.providerError !== undefined ? { providerError: last.providerError } : {}) };
  }

  private async call(request: { path: string; body: unknown }, token: string, whatsapp: boolean): Promise<SendOutcome | { status: 'retry'; error: string; providerError?: string }> {
    try {
      const answer = await this.options.graph.post(request.path, token, request.body);
      if (!answer.ok) {
        const error = describeGraphError('the message', answer.status, answer.error);
        const providerError = JSON.stringify({ error: answer.error });
        if (isTransient(answer.status, answer.error)) return { status: 'retry', error, providerError };
        return { status: 'failed', error, providerError };
      }
      const id = whatsapp ? whatsappMessageId(answer.body) : answer.body.message_id;
      if (typeof id !== 'string' || id === '' || id.length > 512) return { status: 'failed', error: 'Graph API accepted the message without a message id' };
      if (!whatsapp) this.options.sent?.remember(id);
      return { status: 'delivered', providerMessageId: id };
    } catch (error) {
      return { status: 'retry', error: `Graph API not reachable: ${errorMessage(error)}`.slice(0, 2000) };
    }
  }
}

function delay(ms: number): Promise<void> {
  // unref: a send waiting to be retried does not keep a closing process alive (its entry stays in the outbox).
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function contentObject(content: string): Record<string, unknown> | string {
  let parsed: unknown;
  try {
    parsed = parseJsonSafely(content);
  } catch {
    return 'content is not JSON';
  }
  return isPlainObject(parsed) ? parsed : 'content must be a JSON object';
}

function pageRequest(job: OutboundJob): { path: string; body: unknown } | string {
  const message = contentObject(job.message.content);
  if (typeof message === 'string') return message;
  if (typeof message.text !== 'string' && !isPlainObject(message.attachment)) return 'content needs text or attachment (a Messenger message object)';
  const tagged = job.channel.source === FACEBOOK ? { ...message, metadata: `${OUR_SEND_TAG}${job.message.id}` } : message;
  return { path: 'me/messages', body: { recipient: { id: job.recipient }, messaging_type: 'RESPONSE', message: tagged } };
}

function whatsappRequest(job: OutboundJob): { path: string; body: unknown } | string {
  const content = contentObject(job.message.content);
  if (typeof content === 'string') return content;
  let message: Record<string, unknown>;
  if (typeof content.type === 'string') message = content;
  else if (typeof content.text === 'string') message = { type: 'text', text: { body: content.text } };
  else return 'content needs type (a WhatsApp message object) or text';
  if (!/^[0-9]{1,32}$/.test(job.channel.sourceChannelId)) return 'channel has no WhatsApp phone number id';
  return { path: `${job.channel.sourceChannelId}/messages`, body: { ...message, messaging_product: 'whatsapp', recipient_type: 'individual', to: job.recipient } };
}

function whatsappMessageId(body: Record<string, unknown>): unknown {
  const first: unknown = Array.isArray(body.messages) ? body.messages[0] : undefined;
  return isPlainObject(first) ? first.id : undefined;
}
