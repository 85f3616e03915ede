import { isPlainObject, parseJsonSafely } from '@platform/chat-domain';
import { errorMessage } from '@platform/common';
import type { OutboundJob, SecretBox, SendOutcome } from '@platform/connector-kit';
import { describeGraphError, isTransient, type GraphClient } from './graph-client';
import { credentialsOf, FACEBOOK, WHATSAPP } from './meta-channels';
import { OUR_SEND_TAG } from './page-router';

export interface MetaSenderOptions {
  readonly graph: GraphClient;
  readonly box: SecretBox | undefined;
}

/**
 * Sends a PENDING message through the Graph API with the channel's (opened) token:
 * Messenger and Instagram `POST /{version}/me/messages` `{recipient:{id}, messaging_type:"RESPONSE", message}`
 * (content = Messenger's message object, e.g. `{"text":"…"}`; Messenger replies carry our `metadata`
 * tag, so their echo is known as ours), WhatsApp Cloud `POST /{version}/{phone-number-id}/messages`
 * `{messaging_product:"whatsapp", to, type, …}` (content = WhatsApp's message object, or `{"text":"…"}`).
 * 2xx → delivered with `message_id` / `messages[0].id`; throttling, 5xx, no answer → retry; any other
 * refusal → failed with Graph's message (and its error body as `source.error`).
 */
export class MetaSender {
  constructor(private readonly options: MetaSenderOptions) {}

  async send(job: OutboundJob): Promise<SendOutcome> {
    const credentials = credentialsOf(job.channel, this.options.box);
    if (!credentials) return { status: 'failed', error: `channel ${job.channel.id} has no usable Meta token` };
    const whatsapp = job.channel.source === WHATSAPP;
    const request = whatsapp ? whatsappRequest(job) : pageRequest(job);
    if (typeof request === 'string') return { status: 'failed', error: request };
    try {
      const answer = await this.options.graph.post(request.path, credentials.token, request.body);
      if (!answer.ok) {
        const error = describeGraphError('the message', answer.status, answer.error);
        if (isTransient(answer.status, answer.error)) return { status: 'retry', error };
        return { status: 'failed', error, providerError: JSON.stringify({ error: answer.error }) };
      }
      const id = whatsapp ? whatsappMessageId(answer.body) : answer.body.message_id;
      if (typeof id !== 'string' || id === '' || id.length > 512) return { status: 'failed', error: 'Graph API accepted the message without a message id' };
      return { status: 'delivered', providerMessageId: id };
    } catch (error) {
      return { status: 'retry', error: `Graph API not reachable: ${errorMessage(error)}` };
    }
  }
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
