import { createHash } from 'node:crypto';

/**
 * Airy's deterministic ids: the first 16 bytes of SHA-1(UTF-8 of namespace + name) with the
 * version nibble set to 5 and the IETF variant bits set, printed as a lower-case UUID.
 *
 * This is NOT an RFC 4122 name-based UUID (which hashes a namespace UUID's bytes followed by
 * the name): namespace and name are plain strings concatenated without separator, exactly
 * as Airy does it, so ids computed by an Airy installation and by us agree.
 * Consequence of the missing separator: ("ab", "c") and ("a", "bc") collide. Every id below
 * uses a namespace that is itself an id or a fixed source name, so this does not happen in
 * practice, but never feed two free-text strings.
 */
export function nameUuid(namespace: string, name: string): string {
  const bytes = createHash('sha1').update(namespace + name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Channel id of a provider account: UUIDv5(source, sourceChannelId), e.g. ("twilio.sms", "+4915…"). */
export function channelId(source: string, sourceChannelId: string): string {
  return nameUuid(source, sourceChannelId);
}

/**
 * Conversation id: UUIDv5(channelId, source conversation id) — the source conversation id is the
 * contact's id at the source (phone number, PSID, chat plugin visitor…). Airy used this for
 * ingestion but UUIDv5(source, recipient) for `messages.send` to a new recipient, so an agent
 * starting a conversation and the contact answering landed in two conversations; both paths
 * use this one function here.
 */
export function conversationId(channel: string, sourceConversationId: string): string {
  return nameUuid(channel, sourceConversationId);
}

/** Message id of an ingested message: UUIDv5(channelId, source message id), so provider retries de-duplicate. */
export function messageId(channel: string, sourceMessageId: string): string {
  return nameUuid(channel, sourceMessageId);
}

/**
 * Kafka key of a metadata record: UUIDv5("<subject>:<identifier>", key), i.e. Airy's
 * UUIDv5(subject string, key) with the subject rebuilt from our split subject/identifier
 * fields. Re-writing the same fact replaces it under compaction; a tombstone deletes it.
 */
export function metadataRecordId(subject: string, identifier: string, key: string): string {
  return nameUuid(`${subject}:${identifier}`, key);
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID string in canonical 8-4-4-4-12 hex form (any version). */
export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}
