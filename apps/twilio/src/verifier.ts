import { randomUUID } from 'node:crypto';
import { conversationId, maxMessageContentBytes } from '@platform/chat-domain';
import { formValue, parseForm, WebhookRejectedError, type AcceptedWebhook, type CalledWebhook, type ChannelLookup, type SecretBox, type WebhookVerifier } from '@platform/connector-kit';
import { validateRequest } from 'twilio';
import { channelIdOfAddress, credentialsOf, type TwilioCredentials } from './twilio-channels';

/** Largest webhook body: it becomes the message content verbatim, so the content budget bounds it. */
export const maxWebhookBytes = maxMessageContentBytes;

/** Our channel's address and the contact's in a Twilio webhook: inbound message (To = us) or status callback (From = us). */
export function addressesOf(params: ReturnType<typeof parseForm>): { ours: string; contact: string; statusCallback: boolean } {
  const from = formValue(params, 'From');
  const to = formValue(params, 'To');
  if (from === undefined || to === undefined) throw new WebhookRejectedError(400, 'Twilio webhook without From and To');
  const statusCallback = formValue(params, 'MessageStatus') !== undefined;
  return statusCallback ? { ours: from, contact: to, statusCallback } : { ours: to, contact: from, statusCallback };
}

export interface TwilioVerifierOptions {
  readonly channels: ChannelLookup;
  readonly box: SecretBox | undefined;
  readonly defaultAccount: TwilioCredentials | undefined;
}

/**
 * Inbound messages and status callbacks: form-encoded, signed with `X-Twilio-Signature` over the
 * called URL and every parameter (the `twilio` package's validateRequest) with the auth token of the
 * channel's account. A channel that is unknown or DISCONNECTED is refused (403): disconnecting stops
 * ingestion. The raw record is placed by the conversation id (channel + contact address).
 */
export class TwilioVerifier implements WebhookVerifier {
  constructor(private readonly options: TwilioVerifierOptions) {}

  verify(webhook: CalledWebhook): AcceptedWebhook {
    const type = headerOf(webhook.headers['content-type'])?.split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') throw new WebhookRejectedError(415, 'Twilio webhooks are application/x-www-form-urlencoded');
    const params = parseForm(webhook.body.toString('utf8'));
    const { ours, contact } = addressesOf(params);
    const channelId = channelIdOfAddress(ours);
    const channel = this.options.channels.get(channelId);
    if (channel?.connectionState !== 'CONNECTED') throw new WebhookRejectedError(403, `no connected Twilio channel for ${ours}`);
    const credentials = credentialsOf(channel, this.options.box, this.options.defaultAccount);
    if (!credentials) throw new WebhookRejectedError(403, `channel ${channelId} has no usable Twilio credentials`);
    const signature = headerOf(webhook.headers['x-twilio-signature']);
    if (signature === undefined || !validateRequest(credentials.authToken, signature, webhook.url, params as Record<string, string | string[]>)) {
      throw new WebhookRejectedError(403, 'invalid X-Twilio-Signature');
    }
    return { key: formValue(params, 'MessageSid') ?? randomUUID(), placementKey: conversationId(channelId, contact) };
  }
}

function headerOf(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
