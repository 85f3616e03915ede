import { apiTagColors } from './payloads';
import type { RequestName } from './requests';

/**
 * What each chat endpoint answers on success: its status and the JSON Schema (OpenAPI 3.0 subset) of
 * its body, next to the request schemas, so the OpenAPI documents describe every response from one
 * source. The payload builders (payloads.ts) are checked against these schemas by a spec, and the e2e
 * suites check every answer they get against the served documents: a change on either side that the
 * other does not follow fails a test.
 */
export type ResponseSchema = Readonly<Record<string, unknown>>;

export interface ResponseSpec {
  readonly status: 200 | 201 | 204;
  /** Also answered 202 with the same body (`messages.send` accepting a message that starts a conversation). */
  readonly accepted?: boolean;
  /** Name of the body schema in `responseComponents` (none for 204). */
  readonly body?: string;
}

const string = { type: 'string' } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
/** Metadata: any JSON object (user data, contact, tags, unread_count…). */
const metadata = { type: 'object', additionalProperties: true } as const;
const page = (item: string): ResponseSchema => ({
  type: 'object',
  required: ['data', 'pagination_data'],
  properties: { data: { type: 'array', items: ref(item) }, pagination_data: ref('PaginationData') },
});

/** Every body schema, by component name. */
export const responseComponents: Readonly<Record<string, ResponseSchema>> = {
  PaginationData: {
    type: 'object',
    required: ['previous_cursor', 'next_cursor', 'total'],
    properties: { previous_cursor: { ...string, nullable: true }, next_cursor: { ...string, nullable: true }, total: { type: 'integer', minimum: 0 } },
  },
  Sender: { type: 'object', required: ['id'], properties: { id: string, name: string, avatar_url: string } },
  Message: {
    type: 'object',
    required: ['id', 'content', 'delivery_state', 'from_contact', 'sent_at', 'source', 'metadata', 'sender', 'conversation_id', 'channel_id', 'updated_at'],
    properties: {
      id: string,
      content: { description: 'Parsed JSON content, or the raw string for sources that send text' },
      delivery_state: { type: 'string', enum: ['pending', 'delivered', 'failed'] },
      from_contact: { type: 'boolean' },
      sent_at: dateTime,
      source: string,
      metadata,
      sender: ref('Sender'),
      conversation_id: string,
      channel_id: string,
      updated_at: { ...dateTime, nullable: true },
    },
  },
  Channel: {
    type: 'object',
    required: ['id', 'source', 'source_channel_id', 'connected', 'metadata'],
    properties: { id: string, source: string, source_channel_id: string, connected: { type: 'boolean' }, metadata },
  },
  Conversation: {
    type: 'object',
    required: ['id', 'channel', 'created_at', 'metadata', 'last_message'],
    properties: { id: string, channel: ref('Channel'), created_at: dateTime, metadata, last_message: ref('Message') },
  },
  Tag: { type: 'object', required: ['id', 'name', 'color'], properties: { id: string, name: string, color: { type: 'string', enum: [...apiTagColors] } } },
  Template: { type: 'object', required: ['id', 'name', 'source', 'content'], properties: { id: string, name: string, source: string, content: {} } },
  ConversationPage: page('Conversation'),
  MessagePage: page('Message'),
  ChannelList: page('Channel'),
  TagList: page('Tag'),
  TemplateList: page('Template'),
  MetadataSubject: { oneOf: [ref('Conversation'), ref('Message'), ref('Channel')] },
  VisitorSession: {
    type: 'object',
    required: ['token', 'resume_token', 'channel_id', 'conversation_id', 'messages'],
    properties: { token: string, resume_token: string, channel_id: string, conversation_id: string, messages: { type: 'array', items: ref('Message') } },
  },
  ResumeToken: { type: 'object', required: ['resume_token'], properties: { resume_token: string } },
};

const ok = (body: string): ResponseSpec => ({ status: 200, body });

/** The success answer of every chat endpoint. */
export const responseSpecs: Readonly<Record<RequestName, ResponseSpec>> = {
  'conversations.list': ok('ConversationPage'),
  'conversations.info': ok('Conversation'),
  'conversations.mark-read': ok('Conversation'),
  'conversations.tag': ok('Conversation'),
  'conversations.untag': ok('Conversation'),
  'conversations.set-state': ok('Conversation'),
  'conversations.remove-state': ok('Conversation'),
  'conversations.update-contact': ok('Conversation'),
  'messages.list': ok('MessagePage'),
  'messages.send': { ...ok('Message'), accepted: true },
  'messages.resend': ok('Message'),
  'metadata.upsert': ok('MetadataSubject'),
  'channels.list': ok('ChannelList'),
  'channels.info': ok('Channel'),
  'channels.update': ok('Channel'),
  'channels.chatplugin.connect': ok('Channel'),
  'channels.chatplugin.disconnect': ok('Channel'),
  'tags.create': { status: 201, body: 'Tag' },
  'tags.list': ok('TagList'),
  'tags.update': ok('Tag'),
  'tags.delete': { status: 204 },
  'templates.create': { status: 201, body: 'Template' },
  'templates.list': ok('TemplateList'),
  'templates.info': ok('Template'),
  'templates.update': ok('Template'),
  'templates.delete': { status: 204 },
  'chatplugin.authenticate': ok('VisitorSession'),
  'chatplugin.resumeToken': ok('ResumeToken'),
  'chatplugin.send': ok('Message'),
};
