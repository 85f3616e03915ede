import type { ResponseSchema, ResponseSpec } from '@platform/chat-domain';
import { webhookEventTypes } from '../events/webhook-event';
import { webhookRequests, type WebhookRequestName } from './requests';

const string = { type: 'string' } as const;
const nullableDate = { type: 'string', format: 'date-time', nullable: true } as const;
const count = { type: 'integer', minimum: 0 } as const;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/**
 * The answers of the webhooks endpoints (webhook-payload.ts builds them; a spec checks the builder against these
 * schemas), as OpenAPI components. Names are prefixed `Webhook` so they never meet the chat components in the
 * gateway's merged document.
 */
export const webhookResponseComponents: Readonly<Record<string, ResponseSchema>> = {
  WebhookDelivery: {
    type: 'object',
    required: ['last_success_at', 'last_failure_at', 'last_failure', 'failing_since', 'backlog', 'delivered', 'dead_lettered'],
    properties: {
      last_success_at: nullableDate,
      last_failure_at: nullableDate,
      last_failure: { ...string, nullable: true },
      failing_since: nullableDate,
      backlog: count,
      delivered: count,
      dead_lettered: count,
    },
  },
  Webhook: {
    type: 'object',
    required: ['id', 'name', 'url', 'events', 'headers', 'status', 'subscribed_at', 'signed', 'delivery'],
    additionalProperties: false,
    properties: {
      id: string,
      name: { ...string, nullable: true },
      url: string,
      events: { type: 'array', items: { type: 'string', enum: [...webhookEventTypes] }, description: 'empty = every event type' },
      headers: { type: 'object', additionalProperties: string },
      status: { type: 'string', enum: ['Subscribed', 'Unsubscribed'] },
      subscribed_at: { type: 'string', format: 'date-time' },
      signed: { type: 'boolean', description: 'whether a signature key is set (the key itself is never returned)' },
      delivery: ref('WebhookDelivery'),
    },
  },
  WebhookList: { type: 'object', required: ['data'], properties: { data: { type: 'array', items: ref('Webhook') } } },
};

/** The success answer of every webhooks endpoint. */
export const webhookResponseSpecs: Readonly<Record<WebhookRequestName, ResponseSpec>> = {
  'webhooks.subscribe': { status: 200, body: 'Webhook' },
  'webhooks.update': { status: 200, body: 'Webhook' },
  'webhooks.unsubscribe': { status: 200, body: 'Webhook' },
  'webhooks.info': { status: 200, body: 'Webhook' },
  'webhooks.list': { status: 200, body: 'WebhookList' },
};

const summaries: Readonly<Record<WebhookRequestName, string>> = {
  'webhooks.subscribe': 'Create a subscription, or replace the one with the same id',
  'webhooks.update': 'Change a subscription (url, name, events, headers, signature key, status)',
  'webhooks.unsubscribe': 'Stop delivering to a subscription at once (scheduled retries included)',
  'webhooks.info': 'One subscription with its delivery status',
  'webhooks.list': 'Every subscription with its delivery status',
};

/** The OpenAPI catalog of the webhooks app: request schemas are the ones `validateWebhookRequest` validates with. */
export const webhooksOpenApi = {
  catalog: { requests: webhookRequests, responses: webhookResponseSpecs, components: webhookResponseComponents },
  endpoints: (Object.keys(webhookRequests) as WebhookRequestName[]).map((name) => ({ name, summary: summaries[name], ...(name === 'webhooks.subscribe' || name === 'webhooks.update' ? { errors: [413] } : {}) })),
};
