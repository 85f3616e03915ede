import { randomUUID } from 'node:crypto';
import { conversationId } from '@platform/chat-domain';
import { WebhookRejectedError, type AcceptedWebhook, type CalledWebhook, type ChannelLookup, type WebhookVerifier } from '@platform/connector-kit';
import { metaChannelId, WHATSAPP } from './meta-channels';
import { isValidHubSignature } from './signature';
import { MalformedWebhookError, pageEvents, parseWebhookBody, whatsappChanges, whatsappContact, type Json } from './webhook-body';

/**
 * Largest webhook body: 1 MiB, half the raw topic's `max.message.bytes` (2 MiB), and far above what Meta
 * sends (batches of small events). Each event routed from it is bounded by the chat budgets.
 */
export const maxWebhookBytes = 1024 * 1024;

/** `page`: Messenger + Instagram (`/facebook`, source.facebook.events); `whatsapp`: WhatsApp Cloud (`/whatsapp`, source.whatsapp.events). */
export type WebhookKind = 'page' | 'whatsapp';

export interface MetaVerifierOptions {
  readonly kind: WebhookKind;
  readonly appSecret: string | undefined;
  readonly channels: ChannelLookup;
}

interface Located {
  readonly channelId: string;
  readonly conversationId: string;
  readonly key: string | undefined;
}

/**
 * Meta webhooks: `X-Hub-Signature-256` over the raw body with the app secret (403 otherwise, and
 * always without a configured secret), then a JSON envelope of Meta's (400 otherwise) with at least
 * one event of a CONNECTED channel (403 otherwise: disconnecting stops ingestion). The body is
 * written untouched, placed by the conversation of its first event of a connected channel, so that
 * echoes and receipts of a conversation reach the task that sent its replies.
 */
export class MetaVerifier implements WebhookVerifier {
  constructor(private readonly options: MetaVerifierOptions) {}

  verify(webhook: CalledWebhook): AcceptedWebhook {
    if (this.options.appSecret === undefined) throw new WebhookRejectedError(403, 'META_APP_SECRET is not configured: webhooks cannot be verified');
    const header = webhook.headers['x-hub-signature-256'];
    if (!isValidHubSignature(this.options.appSecret, webhook.body, Array.isArray(header) ? header[0] : header)) throw new WebhookRejectedError(403, 'invalid X-Hub-Signature-256');
    let located: Located[];
    try {
      located = this.locate(parseWebhookBody(webhook.body));
    } catch (error) {
      if (error instanceof MalformedWebhookError) throw new WebhookRejectedError(400, error.message);
      throw error;
    }
    const first = located.find((event) => this.options.channels.get(event.channelId)?.connectionState === 'CONNECTED');
    if (!first) throw new WebhookRejectedError(403, located.length === 0 ? 'webhook without events' : 'no connected channel for the events of this webhook');
    return { key: first.key ?? randomUUID(), placementKey: first.conversationId };
  }

  private locate(body: Json): Located[] {
    if (this.options.kind === 'page') {
      return pageEvents(body).map(({ source, accountId, contact, event }) => {
        const channel = metaChannelId(source, accountId);
        const message = event.message as Json | undefined;
        const mid = typeof message?.mid === 'string' ? message.mid : undefined;
        return { channelId: channel, conversationId: conversationId(channel, contact), key: mid };
      });
    }
    return whatsappChanges(body).flatMap(({ phoneNumberId, value }) => {
      const contact = whatsappContact(value);
      if (contact === undefined) return [];
      const channel = metaChannelId(WHATSAPP, phoneNumberId);
      return [{ channelId: channel, conversationId: conversationId(channel, contact), key: undefined }];
    });
  }
}
