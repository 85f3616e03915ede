import { ChatDomainError } from './errors';

/**
 * Size budgets of the chat domain: the one source of the numbers every ingress (REST, visitor API,
 * connectors) and every reducer checks, chosen so that every record derived from an accepted request
 * fits its topic's `max.message.bytes`.
 *
 * The binding record is the communication app's conversation state (`ConversationState`, stored as
 * JSON in the `conversations` store and its changelog, which has the broker default
 * `max.message.bytes` 1,048,588; we count against {@link changelogRecordLimitBytes} = 1 MiB):
 *
 * | part of the conversation record (JSON)                          | worst case bytes |
 * |------------------------------------------------------------------|-----------------:|
 * | fixed fields (id, channelId, source, dates, property names)      |            2,048 |
 * | lastMessage: a message record ≤ {@link maxStoredMessageBytes}    |          139,264 |
 * | unread count and newest unread time (in the fixed fields)        |                0 |
 * | metadata: {@link maxConversationMetadataBytes}                   |          262,144 |
 * | **total**                                                        |      **403,456** |
 *
 * 403,456 ≤ 1,048,576 leaves 61 % for the Kafka record overhead (key ≤ 256 bytes, headers,
 * batch header ≈ 100 bytes) and for future fields. The other derived records are smaller:
 * a message record (topic, `messages` store, changelog) ≤ 139,264; message and channel metadata
 * store entries ≤ 131,072; one metadata record ≤ {@link maxMetadataUpsertBytes} + 1 KiB; a
 * template record ≤ {@link maxTemplateContentBytes} + 1 KiB.
 *
 * Why the stored message is bounded by twice the content: content is the JSON text of the message
 * (`JSON.stringify`, so it holds no raw control character); writing that text as a JSON string
 * again doubles at most its `"` and `\` characters. The reducer measures the real serialized size
 * anyway, so a record from a connector that ignored the budget is refused there, not stored.
 *
 * Why 64 KiB of content: WhatsApp allows 4,096 characters of text, Messenger 2,000, SMS 1,600
 * (10 segments); rich content (templates, cards, quick replies) is a few KB. 64 KiB is generous
 * for every Airy-compatible source and 1/16 of the record limit.
 */

/** What the budgets are checked against: the smallest `max.message.bytes` of a topic a chat record reaches (1 MiB, under the broker default 1,048,588). */
export const changelogRecordLimitBytes = 1_048_576;

/** UTF-8 bytes of a message's content, the JSON text of the content object (`messages.send`, `chatplugin.send`). */
export const maxMessageContentBytes = 65_536;
/** A message record as JSON (content written as a JSON string, ids, headers): what stores and the conversation's lastMessage hold. */
export const maxStoredMessageBytes = 2 * maxMessageContentBytes + 8_192;
/** A message id inside the conversation state, as a JSON string (quotes included): UUIDs take 38. */
export const maxMessageIdJsonBytes = 128;

/**
 * Most contact messages a read receipt recounts as still unread (a receipt dated before the newest
 * messages): the scan of the message store stops there, so `unread_count` after such a receipt means
 * "this many or more" at it. New messages count exactly, one by one.
 */
export const maxUnreadRecount = 1_000;

/** The JSON text of `metadata.upsert`'s `data` (one request). */
export const maxMetadataUpsertBytes = 32_768;
/** All metadata facts of one conversation as stored (JSON of the facts by record id). */
export const maxConversationMetadataBytes = 262_144;
/** All metadata facts of one message as stored. */
export const maxMessageMetadataBytes = 131_072;
/** All metadata facts of one channel as stored. */
export const maxChannelMetadataBytes = 131_072;

/** The JSON text of a template's content. */
export const maxTemplateContentBytes = 65_536;
/** Characters of a tag name. */
export const maxTagNameLength = 200;
/** Characters of a channel, template or contact display name. */
export const maxNameLength = 500;
/** Characters of an id in a request. */
export const maxIdLength = 200;
/** Characters of an image URL. */
export const maxUrlLength = 2_000;
/** Characters of a source name. */
export const maxSourceLength = 100;
/** Characters of a conversation state. */
export const maxStateLength = 200;

/**
 * JSON body limit of the chat apps' HTTP APIs: 256 KiB. The largest valid body is about 66 KB
 * (`messages.send` with 64 KiB of content and three ids); 4× headroom lets pretty-printed or
 * `\u`-escaped JSON of a valid request through, so the field limits (413 naming the field) decide.
 */
export const maxRequestBodyBytes = 262_144;

/** Fixed part of the conversation record (see the table above). */
export const conversationFixedBytes = 2_048;

/** The worst-case conversation record the budgets allow (see the table above); must stay under {@link changelogRecordLimitBytes}. */
export const maxConversationRecordBytes = conversationFixedBytes + maxStoredMessageBytes + maxConversationMetadataBytes;

/** A record or request over a size budget: the adapters answer 413 with this message. */
export class SizeLimitError extends ChatDomainError {
  constructor(
    /** What was measured, e.g. `message content`. */
    readonly what: string,
    readonly actualBytes: number,
    readonly limitBytes: number,
  ) {
    super(`${what} is ${actualBytes} bytes, limit ${limitBytes} bytes`);
  }
}

/** UTF-8 byte length of a string (a lone surrogate counts 3, as it is encoded as U+FFFD). Linear, no allocation. */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * UTF-8 bytes of `JSON.stringify(value)`: what a value takes once written as JSON text. Values that
 * cannot be written (too deeply nested for the stack, cycles, BigInt) give `undefined`.
 */
export function jsonByteLength(value: unknown): number | undefined {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return undefined;
  }
  return text === undefined ? undefined : utf8ByteLength(text);
}

/** Throws {@link SizeLimitError} when `actualBytes` exceeds `limitBytes`. */
export function checkSize(what: string, actualBytes: number, limitBytes: number): void {
  if (actualBytes > limitBytes) throw new SizeLimitError(what, actualBytes, limitBytes);
}
