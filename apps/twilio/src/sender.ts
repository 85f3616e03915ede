import { parseJsonSafely } from '@platform/chat-domain';
import { errorMessage } from '@platform/common';
import type { OutboundJob, SecretBox, SendOutcome } from '@platform/connector-kit';
import twilio from 'twilio';
import { credentialsOf, type TwilioCredentials } from './twilio-channels';

export interface TwilioSenderOptions {
  readonly box: SecretBox | undefined;
  readonly defaultAccount: TwilioCredentials | undefined;
  /** Base of the REST API (`https://api.twilio.com` when unset). */
  readonly apiBaseUrl: string | undefined;
  /** Where Twilio posts status callbacks (`<public URL>/twilio`); none without a public URL. */
  readonly statusCallbackUrl: string | undefined;
  readonly timeoutMs: number;
  /** REST calls per send while Twilio answers 429 / 5xx or does not answer (default 4). */
  readonly attempts?: number;
  /** Wait before the second call, doubled before each further one (default 1000 ms: 1 s, 2 s, 4 s). */
  readonly retryBaseMs?: number;
}

/** Twilio's limit of media per message. */
const maxMediaUrls = 10;

/**
 * Sends a PENDING message through the official `twilio` package (Messages resource): content
 * `{"Body": "…"}` and/or `{"MediaUrl": url | [urls]}`, To = the contact, From = the channel's number.
 * 2xx → delivered with the message sid; 429 / 5xx / no answer → called again after 1 s, 2 s, 4 s… (`attempts`
 * calls in all), then failed with the last error; any other refusal → failed at once with Twilio's code and
 * message (and its error body as `source.error`).
 */
export class TwilioSender {
  /** One client (and its keep-alive agent) per account, the most recent 100. */
  private readonly clients = new Map<string, ReturnType<typeof twilio>>();

  constructor(private readonly options: TwilioSenderOptions) {}

  private client(credentials: TwilioCredentials): ReturnType<typeof twilio> {
    const key = `${credentials.accountSid}:${credentials.authToken}`;
    let client = this.clients.get(key);
    if (client) return client;
    client = twilio(credentials.accountSid, credentials.authToken, { autoRetry: false, timeout: this.options.timeoutMs });
    // The SDK has no base URL option; Domain.baseUrl is read on every request (reference protocols §5.5).
    if (this.options.apiBaseUrl !== undefined) client.api.baseUrl = this.options.apiBaseUrl;
    if (this.clients.size >= 100) this.clients.delete(this.clients.keys().next().value!);
    this.clients.set(key, client);
    return client;
  }

  async send(job: OutboundJob): Promise<SendOutcome> {
    const credentials = credentialsOf(job.channel, this.options.box, this.options.defaultAccount);
    if (!credentials) return { status: 'failed', error: `channel ${job.channel.id} has no usable Twilio credentials` };
    const content = outboundContent(job.message.content);
    if (typeof content === 'string') return { status: 'failed', error: content };
    const attempts = Math.max(1, this.options.attempts ?? 4);
    let last: Transient = { status: 'retry', error: 'not sent' };
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await delay((this.options.retryBaseMs ?? 1000) * 2 ** (attempt - 2));
      const outcome = await this.call(job, credentials, content);
      if (outcome.status !== 'retry') return outcome;
      last = outcome;
    }
    const error = `${last.error} (gave up after ${attempts} attempt${attempts === 1 ? '' : 's'})`;
    return { status: 'failed', error, ...(last.providerError !== undefined ? { providerError: last.providerError } : {}) };
  }

  private async call(job: OutboundJob, credentials: TwilioCredentials, content: { body: string | undefined; mediaUrl: string[] }): Promise<SendOutcome | Transient> {
    try {
      const sent = await this.client(credentials).messages.create({
        to: job.recipient,
        from: job.channel.sourceChannelId,
        ...(content.body !== undefined ? { body: content.body } : {}),
        ...(content.mediaUrl.length > 0 ? { mediaUrl: content.mediaUrl } : {}),
        ...(this.options.statusCallbackUrl !== undefined ? { statusCallback: this.options.statusCallbackUrl } : {}),
      });
      return { status: 'delivered', providerMessageId: sent.sid };
    } catch (error) {
      return outcomeOfError(error);
    }
  }
}

interface RestError {
  readonly status: number;
  readonly code?: number;
  readonly message?: string;
  readonly moreInfo?: string;
}

function isRestError(error: unknown): error is RestError {
  return typeof error === 'object' && error !== null && typeof (error as { status?: unknown }).status === 'number';
}

/** A refusal worth another call (429, 5xx, no answer). */
interface Transient {
  readonly status: 'retry';
  readonly error: string;
  readonly providerError?: string;
}

function outcomeOfError(error: unknown): SendOutcome | Transient {
  if (!isRestError(error)) return { status: 'retry', error: `Twilio not reachable: ${errorMessage(error)}`.slice(0, 2000) };
  const text = `Twilio refused the message (HTTP ${error.status}${error.code !== undefined ? `, error ${error.code}` : ''}): ${error.message ?? 'no message'}`;
  const providerError = JSON.stringify({ status: error.status, code: error.code ?? null, message: error.message ?? null, more_info: error.moreInfo ?? null });
  if (error.status === 429 || error.status >= 500) return { status: 'retry', error: text, providerError };
  return { status: 'failed', error: text, providerError };
}

function delay(ms: number): Promise<void> {
  // unref: a send waiting to be retried does not keep a closing process alive (its entry stays in the outbox).
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Body and MediaUrl of a message's content, or the reason it cannot be sent. */
export function outboundContent(content: string): { body: string | undefined; mediaUrl: string[] } | string {
  let parsed: unknown;
  try {
    parsed = parseJsonSafely(content);
  } catch {
    return 'content is not JSON with Body or MediaUrl';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'content must be an object with Body and/or MediaUrl';
  const { Body: body, MediaUrl: media } = parsed as { Body?: unknown; MediaUrl?: unknown };
  if (body !== undefined && typeof body !== 'string') return 'Body must be a string';
  const mediaUrl = media === undefined ? [] : Array.isArray(media) ? media : [media];
  if (!mediaUrl.every((url): url is string => typeof url === 'string' && /^https?:\/\//.test(url))) return 'MediaUrl must be an http(s) URL or a list of them';
  if (mediaUrl.length > maxMediaUrls) return `at most ${maxMediaUrls} MediaUrl`;
  if ((body === undefined || body === '') && mediaUrl.length === 0) return 'content has neither Body nor MediaUrl';
  return { body: body as string | undefined, mediaUrl };
}
