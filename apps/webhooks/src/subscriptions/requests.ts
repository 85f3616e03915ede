import { bodySchema, isReservedKey, maxNameLength, validateBody, type BodyOf, type BodySchema } from '@platform/chat-domain';
import { webhookEventTypes, type WebhookEventType } from '../events/webhook-event';
import { InvalidSubscriptionError } from '../errors';
import { maxWebhookUrlLength } from './url-policy';

const id = { type: 'string', required: true, maxLength: 128 } as const;
const headers = { type: 'object', maxBytes: 16 * 1024, sizeLabel: 'headers' } as const;
const events = { type: 'string-array', maxItems: webhookEventTypes.length } as const;
const signatureKey = { type: 'string', maxLength: 1024 } as const;
const name = { type: 'string', maxLength: maxNameLength } as const;
const url = { type: 'string', maxLength: maxWebhookUrlLength } as const;

/** Bodies of the webhooks endpoints (Airy §2.8 field names). */
export const webhookRequests = {
  'webhooks.subscribe': bodySchema({ id: { type: 'string', maxLength: 128 }, url: { ...url, required: true }, name, events, headers, signature_key: signatureKey }),
  'webhooks.update': bodySchema({ id, url, name, events, headers, signature_key: signatureKey, status: { type: 'string', oneOf: ['Subscribed', 'Unsubscribed'] } }),
  'webhooks.unsubscribe': bodySchema({ id }),
  'webhooks.info': bodySchema({ id }),
  'webhooks.list': bodySchema({}),
} as const;

export type WebhookRequestName = keyof typeof webhookRequests;
export type WebhookRequest<N extends WebhookRequestName> = BodyOf<(typeof webhookRequests)[N]>;

/** The validated body, or `{ status, message }` to answer (400, or 413 for a field over its size). */
export function validateWebhookRequest<N extends WebhookRequestName>(endpoint: N, body: unknown): { ok: true; value: WebhookRequest<N> } | { ok: false; status: number; message: string } {
  const result = validateBody(body ?? {}, webhookRequests[endpoint] as BodySchema);
  if (!result.ok) return { ok: false, status: result.tooLarge === true ? 413 : 400, message: result.message };
  return { ok: true, value: result.value as WebhookRequest<N> };
}

/** Ids are ours or the caller's (upsert); `|` and `/` would break lane and status keys. */
export function checkSubscriptionId(value: string): string {
  if (!/^[A-Za-z0-9_.:-]{1,128}$/.test(value)) throw new InvalidSubscriptionError('id must be 1 to 128 characters of letters, digits, _ . : -');
  return value;
}

export function checkEvents(values: readonly string[]): WebhookEventType[] {
  for (const value of values) {
    if (!(webhookEventTypes as readonly string[]).includes(value)) throw new InvalidSubscriptionError(`events: ${JSON.stringify(value.slice(0, 64))} is not one of ${webhookEventTypes.join(', ')}`);
  }
  return [...new Set(values)] as WebhookEventType[];
}

const reservedHeaders = new Set(['host', 'content-length', 'content-type', 'transfer-encoding', 'connection', 'x-airy-content-signature', 'webhook-id', 'webhook-timestamp', 'webhook-signature', 'expect', 'upgrade', 'te', 'trailer', 'keep-alive', 'proxy-authorization']);
const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;

/** Custom headers: at most 32, RFC 9110 token names (not ones we set ourselves), values without control characters, at most 1,024 characters. */
export function checkHeaders(input: Record<string, unknown>): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  const entries = Object.entries(input);
  if (entries.length > 32) throw new InvalidSubscriptionError('headers: at most 32 headers');
  for (const [rawName, value] of entries) {
    if (isReservedKey(rawName)) throw new InvalidSubscriptionError(`headers: ${rawName} is not allowed as a header name`);
    const name = rawName.toLowerCase();
    if (!headerName.test(rawName)) throw new InvalidSubscriptionError(`headers: ${JSON.stringify(rawName.slice(0, 64))} is not a valid header name`);
    if (reservedHeaders.has(name)) throw new InvalidSubscriptionError(`headers: ${name} is set by the delivery and cannot be overridden`);
    if (typeof value !== 'string') throw new InvalidSubscriptionError(`headers: ${name} must be a string`);
    if (value.length > 1024 || /[\0-\x08\x0a-\x1f\x7f]/.test(value)) throw new InvalidSubscriptionError(`headers: ${name} must be at most 1024 characters without control characters`);
    Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
