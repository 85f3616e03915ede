import { randomUUID } from 'node:crypto';
import { WebhookRejectedError, type AcceptedWebhook, type CalledWebhook, type WebhookVerifier } from '@platform/connector-kit';
import { VisitorAuthError } from '../errors';
import { encodeRawEvent, type ChatpluginRawEvent } from '../streams/raw-event';
import { bearerToken, type VisitorIdentity } from './visitor-tokens';

export interface VisitorVerifierOptions {
  /** The visitor behind a token, on an open channel; throws VisitorAuthError otherwise. */
  readonly visitor: (token: string | undefined) => Promise<VisitorIdentity>;
  /** Epoch millis (the event's `sent_at`). */
  readonly now: () => number;
  /** Random id of each event (the message id derives from it). Default `randomUUID`. */
  readonly eventId?: () => string;
}

/**
 * The chat plugin's side of the connector kit's ingress (`RawIngress`) for `chatplugin.send`: the
 * visitor token (`Authorization: Bearer`) plays the signature's part, refused with 401 when missing,
 * bad, expired or of a channel that is unknown or disconnected (disconnecting stops ingestion). The
 * body is the request as posted (`{message}`, validated by the API first); the raw record is the chat
 * plugin's event envelope (`ChatpluginRawEvent`): the posted `message` untouched, the verified
 * channel and conversation, a random event id (the record's key) and the time. Placed by the
 * conversation id, like every connector's raw events.
 */
export class VisitorVerifier implements WebhookVerifier {
  private readonly eventId: () => string;

  constructor(private readonly options: VisitorVerifierOptions) {
    this.eventId = options.eventId ?? randomUUID;
  }

  async verify(request: CalledWebhook): Promise<AcceptedWebhook> {
    const identity = await this.options.visitor(bearerToken(request.headers.authorization)).catch((error: unknown) => {
      throw error instanceof VisitorAuthError ? new WebhookRejectedError(401, error.message) : error;
    });
    const event: ChatpluginRawEvent = {
      type: 'message',
      id: this.eventId(),
      channel_id: identity.channelId,
      conversation_id: identity.conversationId,
      sent_at: this.options.now(),
      message: postedMessage(request.body),
    };
    return { key: event.id, placementKey: identity.conversationId, record: encodeRawEvent(event) };
  }
}

/** `message` of a `chatplugin.send` body (any JSON value but null); 400 otherwise. */
function postedMessage(body: Buffer): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new WebhookRejectedError(400, 'chatplugin.send needs a JSON body');
  }
  const message = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as { message?: unknown }).message : undefined;
  if (message === undefined || message === null) throw new WebhookRejectedError(400, 'message is required');
  return message;
}
