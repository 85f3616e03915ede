import Ajv from 'ajv';
import { buildOpenApiDocument } from '@platform/nest-platform';
import type { Webhook } from '@platform/schemas';
import { webhookRequests } from './requests';
import { webhookResponseComponents, webhooksOpenApi } from './responses';
import { maxWebhookUrlLength } from './url-policy';
import { webhookPayload } from './webhook-payload';

/** The components as one document, validated the way the e2e suites validate served answers. */
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
ajv.addSchema({ $id: 'api', components: { schemas: webhookResponseComponents } });
const validatorOf = (name: string) => {
  const validate = ajv.getSchema(`api#/components/schemas/${name}`);
  if (!validate) throw new Error(`no component ${name}`);
  return (value: unknown) => (validate(value) ? undefined : ajv.errorsText(validate.errors));
};

const webhook: Webhook = { id: 'w1', name: 'crm', endpoint: 'https://hooks.example/in', events: ['message.created'], headers: { 'x-team': 'a' }, signatureKey: 'aesgcm1:xyz', status: 'SUBSCRIBED', subscribedAt: 1_700_000_000_000 };
const failing = { subscriptionId: 'w1', partition: 3, lastSuccessAt: 1_700_000_001_000, lastFailureAt: 1_700_000_002_000, lastFailure: 'HTTP 503', failingSince: 1_700_000_002_000, backlog: 2, delivered: 7, deadLettered: 1 };

describe('webhooks OpenAPI (the catalog the app serves at /openapi.json)', () => {
  const document = buildOpenApiDocument({ title: 'webhooks', version: '1', ...webhooksOpenApi });

  it('describes every webhooks endpoint with the request schema it validates with', () => {
    expect(Object.keys(document.paths).sort()).toEqual(Object.keys(webhookRequests).map((n) => `/${n}`).sort());
    const subscribe = document.components.schemas.WebhooksSubscribeRequest as { required: string[]; properties: Record<string, { maxLength?: number; type?: string }> };
    expect(subscribe.required).toEqual(['url']);
    expect(subscribe.properties.url!.maxLength).toBe(maxWebhookUrlLength);
    expect(subscribe.properties.headers!.type).toBe('object');
    expect((document.components.schemas.WebhooksUpdateRequest as { properties: Record<string, { enum?: string[] }> }).properties.status!.enum).toEqual(['Subscribed', 'Unsubscribed']);
    const post = (name: string) => document.paths[`/${name}`]!.post as { responses: Record<string, { content?: { 'application/json': { schema: { $ref: string } } } }> };
    expect(post('webhooks.list').responses['200']!.content!['application/json'].schema.$ref).toBe('#/components/schemas/WebhookList');
    expect(Object.keys(post('webhooks.subscribe').responses)).toEqual(expect.arrayContaining(['200', '400', '401', '404', '413', '503']));
    for (const name of ['Webhook', 'WebhookDelivery', 'WebhookList']) expect(document.components.schemas[name]).toEqual(webhookResponseComponents[name]);
  });

  it('describes what the payload builder produces (drift check)', () => {
    const one = webhookPayload(webhook, [failing]);
    expect([validatorOf('Webhook')(one), validatorOf('Webhook')(webhookPayload({ ...webhook, name: null, events: [], headers: {}, signatureKey: null, status: 'UNSUBSCRIBED' }, []))]).toEqual([undefined, undefined]);
    expect(validatorOf('WebhookList')({ data: [one] })).toBeUndefined();
  });

  it('refuses answers of another shape, and any field beyond the documented ones (the key is never answered)', () => {
    const one = webhookPayload(webhook, [failing]);
    expect(validatorOf('Webhook')({ ...one, signature_key: 'secret' })).toContain('must NOT have additional properties');
    expect(validatorOf('Webhook')({ ...one, status: 'SUBSCRIBED' })).toContain('must be equal to one of the allowed values');
    const { backlog: _backlog, ...delivery } = one.delivery;
    expect(validatorOf('Webhook')({ ...one, delivery })).toContain("must have required property 'backlog'");
  });
});
