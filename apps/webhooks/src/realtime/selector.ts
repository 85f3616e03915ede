import type { LiveEvent } from './event-log';

/** What a subscription wants: everything (both sets empty) or the events of some conversations and/or channels. */
export interface Selector {
  readonly conversations: ReadonlySet<string>;
  readonly channels: ReadonlySet<string>;
}

export const maxSelectorIds = 100;
const idPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * From the SUBSCRIBE headers `conversation-ids` and `channel-ids` (comma-separated ids, at most 100
 * each): an error message, or the selector. Neither header: everything.
 */
export function parseSelector(conversationIds: string | undefined, channelIds: string | undefined): Selector | string {
  const conversations = parseIds('conversation-ids', conversationIds);
  if (typeof conversations === 'string') return conversations;
  const channels = parseIds('channel-ids', channelIds);
  if (typeof channels === 'string') return channels;
  return { conversations, channels };
}

function parseIds(name: string, text: string | undefined): Set<string> | string {
  const ids = new Set<string>();
  if (text === undefined) return ids;
  const parts = text.split(',', maxSelectorIds + 1);
  if (parts.length > maxSelectorIds) return `${name}: at most ${maxSelectorIds} ids`;
  for (const part of parts) {
    const id = part.trim();
    if (!idPattern.test(id)) return `${name}: an id is 1-128 of letters, digits, . _ : -`;
    ids.add(id);
  }
  return ids;
}

/**
 * Tags are global (an agent UI needs every tag whatever it watches), so `tag.updated` matches every
 * selector; other events match when their conversation or channel is selected.
 */
export function selects(selector: Selector, event: LiveEvent): boolean {
  if (selector.conversations.size === 0 && selector.channels.size === 0) return true;
  if (event.type === 'tag.updated') return true;
  if (event.conversationId !== undefined && selector.conversations.has(event.conversationId)) return true;
  return event.channelId !== undefined && selector.channels.has(event.channelId);
}
