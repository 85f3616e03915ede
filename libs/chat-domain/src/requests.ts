import { maxFilterLength } from './filter/parser';
import { apiTagColors } from './payloads';
import { maxIdLength, maxMessageContentBytes, maxMetadataUpsertBytes, maxNameLength, maxSourceLength, maxStateLength, maxTagNameLength, maxTemplateContentBytes, maxUrlLength } from './limits';
import { bodySchema, validateBody, type BodyOf, type ValidationResult } from './validation';

/**
 * Body schemas of the chat endpoints (Airy §2 field names), so every app validates the same
 * way. Ids are non-empty strings (an unknown id is the app's 404, not a 400). Sizes come from
 * limits.ts; a field over its size is answered 413.
 */
const id = { type: 'string', required: true, maxLength: maxIdLength } as const;
const optionalId = { type: 'string', maxLength: maxIdLength } as const;
const cursor = { type: 'string', maxLength: 200 } as const;
const pageSize = { type: 'integer', min: 1, max: 1000 } as const;
const name = { type: 'string', required: true, maxLength: maxNameLength } as const;
const imageUrl = { type: 'string', maxLength: maxUrlLength, pattern: /^https?:\/\/\S+$/i, patternMessage: 'must be an http(s) URL' } as const;
const tagColor = { type: 'string', oneOf: apiTagColors } as const;
const source = { type: 'string', maxLength: maxSourceLength } as const;
/** A message's content: any JSON, at most maxMessageContentBytes as JSON text (what the record stores). */
const messageContent = { type: 'json', required: true, maxBytes: maxMessageContentBytes, sizeLabel: 'message content' } as const;
const templateContent = { type: 'json', maxBytes: maxTemplateContentBytes, sizeLabel: 'template content' } as const;

export const requestSchemas = {
  'conversations.list': bodySchema({ filters: { type: 'string', allowEmpty: true, maxLength: maxFilterLength }, cursor, page_size: pageSize }),
  'conversations.info': bodySchema({ conversation_id: id }),
  'conversations.mark-read': bodySchema({ conversation_id: id }),
  'conversations.tag': bodySchema({ conversation_id: id, tag_id: id }),
  'conversations.untag': bodySchema({ conversation_id: id, tag_id: id }),
  'conversations.set-state': bodySchema({ conversation_id: id, state: { type: 'string', required: true, maxLength: maxStateLength } }),
  'conversations.remove-state': bodySchema({ conversation_id: id }),
  'conversations.update-contact': bodySchema({ conversation_id: id, display_name: name }),
  'messages.list': bodySchema({ conversation_id: id, cursor, page_size: pageSize }),
  'messages.send': bodySchema({ conversation_id: optionalId, channel_id: optionalId, source_recipient_id: optionalId, message: messageContent }),
  'messages.resend': bodySchema({ message_id: id }),
  'metadata.upsert': bodySchema({ subject: { type: 'string', required: true, oneOf: ['conversation', 'message', 'channel'] }, id, data: { type: 'object', required: true, maxBytes: maxMetadataUpsertBytes, sizeLabel: 'metadata data' } }),
  'channels.list': bodySchema({ source }),
  'channels.info': bodySchema({ channel_id: id }),
  'channels.update': bodySchema({ channel_id: id, name: { type: 'string', maxLength: maxNameLength }, image_url: imageUrl }),
  'channels.chatplugin.connect': bodySchema({ name, image_url: imageUrl }),
  'channels.chatplugin.disconnect': bodySchema({ channel_id: id }),
  'tags.create': bodySchema({ name: { type: 'string', required: true, maxLength: maxTagNameLength }, color: { ...tagColor, required: true } }),
  'tags.list': bodySchema({}),
  'tags.update': bodySchema({ id, name: { type: 'string', maxLength: maxTagNameLength }, color: tagColor }),
  'tags.delete': bodySchema({ id }),
  'templates.create': bodySchema({ name, source: { ...source, required: true }, content: { ...templateContent, required: true } }),
  'templates.list': bodySchema({ source: { ...source, required: true }, name: { type: 'string', allowEmpty: true, maxLength: maxNameLength } }),
  'templates.info': bodySchema({ id }),
  'templates.update': bodySchema({ id, name: { type: 'string', maxLength: maxNameLength }, source, content: templateContent }),
  'templates.delete': bodySchema({ id }),
  'chatplugin.authenticate': bodySchema({ channel_id: optionalId, resume_token: { type: 'string', maxLength: 4000 } }),
  'chatplugin.resumeToken': bodySchema({ channel_id: optionalId, conversation_id: optionalId }),
  'chatplugin.send': bodySchema({ message: messageContent }),
} as const;

export type RequestName = keyof typeof requestSchemas;
export type RequestBody<N extends RequestName> = BodyOf<(typeof requestSchemas)[N]>;

/** Validates the body of a named endpoint, including its cross-field rules. */
export function validateRequest<N extends RequestName>(endpoint: N, body: unknown): ValidationResult<RequestBody<N>> {
  const result = validateBody(body, requestSchemas[endpoint]) as ValidationResult<RequestBody<N>>;
  if (!result.ok) return result;
  const problem = crossFieldRules[endpoint]?.(result.value as Record<string, unknown>);
  return problem === undefined ? result : { ok: false, ...problem };
}

type CrossFieldRule = (body: Record<string, unknown>) => { field: string; message: string } | undefined;

const crossFieldRules: Partial<Record<RequestName, CrossFieldRule>> = {
  // Airy: conversation_id, or channel_id + source_recipient_id to start a conversation.
  'messages.send': (b) => {
    if (b.conversation_id !== undefined) {
      if (b.channel_id !== undefined || b.source_recipient_id !== undefined) {
        return { field: 'conversation_id', message: 'conversation_id cannot be combined with channel_id/source_recipient_id' };
      }
      return undefined;
    }
    if (b.channel_id === undefined) return { field: 'conversation_id', message: 'conversation_id (or channel_id with source_recipient_id) is required' };
    if (b.source_recipient_id === undefined) return { field: 'source_recipient_id', message: 'source_recipient_id is required with channel_id' };
    return undefined;
  },
  'chatplugin.authenticate': (b) => {
    if ((b.channel_id === undefined) === (b.resume_token === undefined)) return { field: 'channel_id', message: 'exactly one of channel_id and resume_token is required' };
    return undefined;
  },
  'chatplugin.resumeToken': (b) => {
    if ((b.channel_id === undefined) !== (b.conversation_id === undefined)) return { field: b.channel_id === undefined ? 'channel_id' : 'conversation_id', message: 'channel_id and conversation_id go together' };
    return undefined;
  },
};
