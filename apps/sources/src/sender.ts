import { maxIdLength, parseJsonSafely } from '@platform/chat-domain';
import { errorMessage } from '@platform/common';
import type { OutboundJob, SendOutcome } from '@platform/connector-kit';
import type { Source } from '@platform/schemas';
import { contentSignature, SIGNATURE_HEADER } from './source-token';

export interface ActionSenderOptions {
  readonly sourceOf: (id: string) => Source | undefined;
  /** The source's token (the signature key). */
  readonly tokenOf: (source: Source) => string;
  readonly timeoutMs: number;
}

/** Largest action-endpoint answer read (a longer one is an error). */
const maxAnswerBytes = 64 * 1024;
/** Longest provider error kept as `source.error`. */
const maxErrorChars = 4096;

/**
 * Calls the source's action endpoint for a PENDING message: `POST <action_endpoint>` with Airy's body
 * `{"type":"message.send","payload":{message, conversation}}`, `X-Airy-Content-Signature` (hex
 * HMAC-SHA256 of the body keyed with the source token) and `Idempotency-Key` (stable per message version).
 * HTTP 200 + `{"source_message_id"}` → delivered; 429, 5xx or no answer → retried until stale; any other
 * answer → failed with its `{"error"}` text.
 */
export class ActionSender {
  constructor(private readonly options: ActionSenderOptions) {}

  async send(job: OutboundJob): Promise<SendOutcome> {
    const source = this.options.sourceOf(job.message.source);
    if (!source) return { status: 'failed', error: `source ${job.message.source} is not registered; not sent` };
    if (!source.actionEndpoint) return { status: 'failed', error: `source ${source.id} has no action_endpoint; not sent` };
    const body = JSON.stringify(actionBody(job));
    let response: Response;
    try {
      response = await fetch(source.actionEndpoint, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Airy/1.0 (kafka-chat-platform sources)',
          [SIGNATURE_HEADER]: contentSignature(this.options.tokenOf(source), body),
          'idempotency-key': job.idempotencyKey,
        },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      return { status: 'retry', error: `action endpoint not reachable: ${errorMessage(error)}` };
    }
    let text: string;
    try {
      text = await boundedText(response);
    } catch (error) {
      return { status: 'failed', error: `action endpoint answer unreadable: ${errorMessage(error)}` };
    }
    const answer = parsed(text);
    if (response.status === 200) {
      const id = answer?.source_message_id;
      if (typeof id === 'string' && id !== '' && id.length <= maxIdLength) return { status: 'delivered', providerMessageId: id };
      return { status: 'failed', error: 'action endpoint answered 200 without a source_message_id', providerError: text.slice(0, maxErrorChars) };
    }
    const reason = typeof answer?.error === 'string' ? answer.error.slice(0, 1000) : `action endpoint answered HTTP ${response.status}`;
    if (response.status === 429 || response.status >= 500) return { status: 'retry', error: reason };
    return { status: 'failed', error: reason, providerError: JSON.stringify({ status: response.status, body: text.slice(0, maxErrorChars) }) };
  }
}

/** Airy's action payload. `source_conversation_id` is the contact's address (sender of the conversation's contact messages). */
export function actionBody(job: OutboundJob): object {
  const { message, channel } = job;
  let content: unknown;
  try {
    content = parseJsonSafely(message.content);
  } catch {
    content = message.content;
  }
  return {
    type: 'message.send',
    payload: {
      message: { id: message.id, source_recipient_id: message.sourceRecipientId ?? job.recipient, content, sent_at: new Date(message.sentAt).toISOString() },
      conversation: { id: message.conversationId, channel_id: channel.id, source_channel_id: channel.sourceChannelId, source_conversation_id: job.recipient },
    },
  };
}

function parsed(text: string): Record<string, unknown> | undefined {
  try {
    const value = parseJsonSafely(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

async function boundedText(response: Response): Promise<string> {
  if (!response.body) return '';
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > maxAnswerBytes) throw new Error(`answer over ${maxAnswerBytes} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}
