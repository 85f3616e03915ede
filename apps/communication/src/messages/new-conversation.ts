import { CommunicationError } from '../errors';

/**
 * Sources whose contacts must write first: the chat plugin (no address to reach a visitor at), Messenger
 * and Instagram (Meta only lets a page answer a user who wrote), Google Business Messages and Viber
 * (the user opens the conversation). Every other source, the custom Sources API ones included, can be
 * sent to at an address the agent gives (`channel_id` + `source_recipient_id`).
 */
const contactStartsOnly = new Set(['chatplugin', 'facebook', 'instagram', 'google', 'viber']);

/** E.164 as Twilio writes `From` (`+` and 7-15 digits): the conversation id must be the one inbound messages get. */
const e164 = /^\+[1-9][0-9]{6,14}$/;

/**
 * The address rule of sources whose router derives the conversation from a normalised address: a
 * recipient written another way (`0151 …`, without `whatsapp:`) would start a second conversation
 * beside the one the contact's answers land in.
 */
const addressRules = new Map<string, { readonly check: (recipient: string) => boolean; readonly example: string }>([
  ['twilio.sms', { check: (r) => e164.test(r), example: '+4915112345678' }],
  ['twilio.whatsapp', { check: (r) => r.startsWith('whatsapp:') && e164.test(r.slice('whatsapp:'.length)), example: 'whatsapp:+4915112345678' }],
]);

/**
 * Checks that a channel of `source` can start a conversation with `recipient` (Airy §2.3 `messages.send`):
 * 403 for a source whose contacts must write first, 400 for a recipient not in the source's address form.
 */
export function checkNewConversation(channelId: string, source: string, recipient: string): void {
  if (contactStartsOnly.has(source)) {
    throw new CommunicationError(`channel_id: ${source} channel ${channelId} cannot start conversations; its contacts must write first`, 403);
  }
  const rule = addressRules.get(source);
  if (rule && !rule.check(recipient)) {
    throw new CommunicationError(`source_recipient_id: a ${source} recipient is written as the provider names it, e.g. ${rule.example}`, 400);
  }
}
