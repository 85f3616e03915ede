import { channelId } from '@platform/chat-domain';
import type { SecretBox } from '@platform/connector-kit';
import type { Channel } from '@platform/schemas';
import { TwilioRequestError } from './errors';

export const TWILIO_SMS = 'twilio.sms';
export const TWILIO_WHATSAPP = 'twilio.whatsapp';
export const twilioSources = [TWILIO_SMS, TWILIO_WHATSAPP] as const;
export type TwilioSource = (typeof twilioSources)[number];

const WHATSAPP_PREFIX = 'whatsapp:';

export function isTwilioSource(source: string): source is TwilioSource {
  return source === TWILIO_SMS || source === TWILIO_WHATSAPP;
}

/** The source of a Twilio address: `whatsapp:+…` → twilio.whatsapp, else twilio.sms. */
export function sourceOfAddress(address: string): TwilioSource {
  return address.startsWith(WHATSAPP_PREFIX) ? TWILIO_WHATSAPP : TWILIO_SMS;
}

/** Airy's channel identity: phone number without whitespace; `whatsapp:` + number for WhatsApp; id = UUIDv5(source, sourceChannelId). */
export function twilioChannelIdentity(source: TwilioSource, phoneNumber: string): { sourceChannelId: string; id: string } {
  const phone = phoneNumber.replace(/\s+/g, '');
  if (!/^\+?[0-9]{3,20}$/.test(phone)) throw new TwilioRequestError('phone_number must be a phone number such as +4915112345678');
  const sourceChannelId = source === TWILIO_WHATSAPP ? `${WHATSAPP_PREFIX}${phone}` : phone;
  return { sourceChannelId, id: channelId(source, sourceChannelId) };
}

/** The channel id an address of ours (To of an inbound message, From of a status callback) belongs to. */
export function channelIdOfAddress(address: string): string {
  return channelId(sourceOfAddress(address), address);
}

export interface TwilioCredentials {
  readonly accountSid: string;
  readonly authToken: string;
}

/** Per-channel credentials sealed into `Channel.token` (never plain in the topic), bound to the channel id. */
export function sealCredentials(box: SecretBox, channel: string, credentials: TwilioCredentials): string {
  return box.seal(JSON.stringify({ account_sid: credentials.accountSid, auth_token: credentials.authToken }), channel);
}

/**
 * The credentials a channel uses: its own (sealed in `token`), else the configured default account;
 * undefined when it has neither (or they cannot be opened), so it can neither verify nor send.
 */
export function credentialsOf(channel: Channel, box: SecretBox | undefined, fallback: TwilioCredentials | undefined): TwilioCredentials | undefined {
  if (channel.token === null || channel.token === undefined) return fallback;
  if (!box) return undefined;
  try {
    const parsed = JSON.parse(box.open(channel.token, channel.id)) as { account_sid?: unknown; auth_token?: unknown };
    if (typeof parsed.account_sid !== 'string' || typeof parsed.auth_token !== 'string') return undefined;
    return { accountSid: parsed.account_sid, authToken: parsed.auth_token };
  } catch {
    return undefined;
  }
}
