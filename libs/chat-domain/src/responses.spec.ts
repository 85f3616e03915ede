import Ajv from 'ajv';
import { listConversations } from './conversation-list';
import { aMessage, aView } from './internals/fixtures';
import { paginate } from './pagination';
import { channelPayload, conversationPayload, messagePayload, tagPayload, templatePayload } from './payloads';
import { requestSchemas } from './requests';
import { responseComponents, responseSpecs } from './responses';

/** The components as one document, validated the way the e2e suites validate served answers. */
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
ajv.addSchema({ $id: 'api', components: { schemas: responseComponents } });

function validatorOf(name: string): (value: unknown) => string | undefined {
  const validate = ajv.getSchema(`api#/components/schemas/${name}`);
  if (!validate) throw new Error(`no component ${name}`);
  return (value) => (validate(value) ? undefined : ajv.errorsText(validate.errors));
}

const message = aMessage({ id: 'm1', conversationId: 'c1', updatedAt: 5 });
const channel = { id: 'ch1', source: 'chatplugin', sourceChannelId: 'site', connectionState: 'CONNECTED' as const, token: null, createdAt: 1 };

describe('response schemas', () => {
  it('name a component for every endpoint with a body, and every $ref resolves', () => {
    expect(Object.keys(responseSpecs).sort()).toEqual(Object.keys(requestSchemas).sort());
    for (const spec of Object.values(responseSpecs)) if (spec.body !== undefined) expect(responseComponents[spec.body]).toBeDefined();
    for (const match of JSON.stringify(responseComponents).matchAll(/#\/components\/schemas\/([A-Za-z]+)/g)) expect(responseComponents[match[1]!]).toBeDefined();
  });

  it('describe what the payload builders produce (drift check)', () => {
    const view = aView({ id: 'c1', lastMessage: message, metadata: { contact: { display_name: 'Ada' }, unread_count: 1 } });
    const conversation = conversationPayload(view, { channel: channelPayload(channel, { name: 'Site' }) });
    const samples: [string, unknown][] = [
      ['Message', messagePayload(message)],
      ['Message', messagePayload(aMessage({ id: 'm2', content: 'plain text, not JSON' }))],
      ['Channel', channelPayload(channel)],
      ['Conversation', conversation],
      ['Conversation', conversationPayload(view)],
      ['Tag', tagPayload({ id: 't1', name: 'vip', color: 'RED' })],
      ['Template', templatePayload({ id: 'tp1', name: 'hello', source: 'chatplugin', content: '{"text":"hi"}' })],
      ['ConversationPage', { ...listConversations([view], {}), data: [conversation] }],
      ['MessagePage', paginate([messagePayload(message)], (m) => [Date.parse(m.sent_at), m.id], { pageSize: 1 })],
      ['MetadataSubject', conversation],
      ['MetadataSubject', messagePayload(message)],
    ];
    for (const [name, value] of samples) expect([name, validatorOf(name)(value)]).toEqual([name, undefined]);
  });

  it('refuse payloads that do not have the documented shape', () => {
    const { sender: _sender, ...withoutSender } = messagePayload(message);
    expect(validatorOf('Message')(withoutSender)).toContain("must have required property 'sender'");
    expect(validatorOf('Message')({ ...messagePayload(message), delivery_state: 'PENDING' })).toContain('must be equal to one of the allowed values');
    expect(validatorOf('Conversation')({ ...conversationPayload(aView({ id: 'c' })), created_at: 'yesterday' })).toContain('must match format "date-time"');
    expect(validatorOf('ConversationPage')({ data: [], pagination_data: { next_cursor: null, total: 0 } })).toContain('previous_cursor');
  });
});
