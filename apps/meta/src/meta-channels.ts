import { channelId } from '@platform/chat-domain';
import type { SecretBox } from '@platform/connector-kit';
import type { Channel } from '@platform/schemas';

export const FACEBOOK = 'facebook';
export const INSTAGRAM = 'instagram';
export const WHATSAPP = 'whatsapp';
/** Sources of `source.facebook.events` (Meta sends Messenger and Instagram webhooks to one callback). */
export const pageSources = [FACEBOOK, INSTAGRAM] as const;
export const whatsappSources = [WHATSAPP] as const;
export type PageSource = (typeof pageSources)[number];
export type MetaSource = PageSource | typeof WHATSAPP;

/** Airy's channel ids: UUIDv5("facebook", page id), UUIDv5("instagram", account id), UUIDv5("whatsapp", phone number id). */
export function metaChannelId(source: MetaSource, sourceChannelId: string): string {
  return channelId(source, sourceChannelId);
}

/** What a channel's sealed `token` holds: the token Graph calls use (page token; WhatsApp access token), and the page of an Instagram account. */
export interface MetaCredentials {
  readonly token: string;
  readonly pageId?: string;
}

/** Seals credentials into `Channel.token` (AES-256-GCM, bound to the channel id): never plain in the channels topic. */
export function sealCredentials(box: SecretBox, channel: string, credentials: MetaCredentials): string {
  return box.seal(JSON.stringify({ token: credentials.token, ...(credentials.pageId !== undefined ? { page_id: credentials.pageId } : {}) }), channel);
}

/** The credentials of a CONNECTED channel, or undefined when it has none or no configured key opens them. */
export function credentialsOf(channel: Channel, box: SecretBox | undefined): MetaCredentials | undefined {
  if (channel.token === null || channel.token === undefined || !box) return undefined;
  try {
    const parsed = JSON.parse(box.open(channel.token, channel.id)) as { token?: unknown; page_id?: unknown };
    if (typeof parsed.token !== 'string') return undefined;
    return { token: parsed.token, ...(typeof parsed.page_id === 'string' ? { pageId: parsed.page_id } : {}) };
  } catch {
    return undefined;
  }
}
