import { randomUUID } from 'node:crypto';
import type { Webhook } from '@platform/schemas';
import type { HttpAnswer } from '@platform/nest-streams';
import { InvalidSubscriptionError } from '../errors';
import { checkSignatureKey } from '../delivery/signatures';
import { checkEvents, checkHeaders, checkSubscriptionId, type WebhookRequest } from './requests';
import type { SubscriptionStore } from './subscription-store';
import { checkWebhookUrl } from './url-policy';
import { webhookPayload } from './webhook-payload';

export interface WebhooksServiceOptions {
  readonly store: SubscriptionStore;
  readonly allowPrivateTargets: boolean;
  readonly clock: () => number;
  readonly retryAfterSeconds: number;
  /** Resolves host names for the URL check (DNS by default). */
  readonly resolve?: (host: string) => Promise<readonly string[]>;
}

const json = (status: number, body: unknown): HttpAnswer => ({ status, headers: {}, body: { json: body } });

/**
 * webhooks.subscribe / update / unsubscribe / info / list. Any replica answers: subscriptions
 * are a single-partition compacted topic every replica holds in memory; a write answers once this
 * replica has read it back. Concurrent writes of one id: the last one written wins.
 */
export class WebhooksService {
  constructor(private readonly options: WebhooksServiceOptions) {}

  async subscribe(body: WebhookRequest<'webhooks.subscribe'>): Promise<HttpAnswer> {
    return this.guard(async () => {
      const id = body.id === undefined ? randomUUID() : checkSubscriptionId(body.id);
      const url = await checkWebhookUrl(body.url, this.options.allowPrivateTargets, this.options.resolve);
      const existing = this.options.store.get(id);
      const webhook: Webhook = {
        id,
        name: body.name ?? existing?.name ?? null,
        endpoint: url.toString(),
        events: checkEvents(body.events ?? []),
        headers: checkHeaders(body.headers ?? {}),
        signatureKey: body.signature_key === undefined ? null : this.encrypt(body.signature_key),
        status: 'SUBSCRIBED',
        subscribedAt: this.options.clock(),
      };
      return this.save(webhook);
    });
  }

  async update(body: WebhookRequest<'webhooks.update'>): Promise<HttpAnswer> {
    return this.guard(async () => {
      const current = this.options.store.get(body.id);
      if (current === undefined) return json(404, { message: `webhook ${body.id} not found` });
      const resubscribing = body.status === 'Subscribed' && current.status !== 'SUBSCRIBED';
      const webhook: Webhook = {
        ...current,
        ...(body.url !== undefined ? { endpoint: (await checkWebhookUrl(body.url, this.options.allowPrivateTargets, this.options.resolve)).toString() } : {}),
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.events !== undefined ? { events: checkEvents(body.events) } : {}),
        ...(body.headers !== undefined ? { headers: checkHeaders(body.headers) } : {}),
        ...(body.signature_key !== undefined ? { signatureKey: this.encrypt(body.signature_key) } : {}),
        ...(body.status !== undefined ? { status: body.status === 'Subscribed' ? 'SUBSCRIBED' : 'UNSUBSCRIBED' } : {}),
        ...(resubscribing ? { subscribedAt: this.options.clock() } : {}),
      };
      return this.save(webhook);
    });
  }

  async unsubscribe(body: WebhookRequest<'webhooks.unsubscribe'>): Promise<HttpAnswer> {
    const current = this.options.store.get(body.id);
    if (current === undefined) return json(404, { message: `webhook ${body.id} not found` });
    return this.save({ ...current, status: 'UNSUBSCRIBED' });
  }

  info(body: WebhookRequest<'webhooks.info'>): HttpAnswer {
    const current = this.options.store.get(body.id);
    if (current === undefined) return json(404, { message: `webhook ${body.id} not found` });
    return json(200, webhookPayload(current, this.options.store.statusesOf(current.id)));
  }

  list(): HttpAnswer {
    const data = [...this.options.store.all()].sort((a, b) => a.subscribedAt - b.subscribedAt || (a.id < b.id ? -1 : 1)).map((w) => webhookPayload(w, this.options.store.statusesOf(w.id)));
    return json(200, { data });
  }

  private encrypt(key: string): string {
    checkSignatureKey(key);
    return this.options.store.encryptKey(key);
  }

  private async save(webhook: Webhook): Promise<HttpAnswer> {
    let seen: boolean;
    try {
      seen = await this.options.store.save(webhook);
    } catch {
      return { status: 503, headers: { 'Retry-After': String(this.options.retryAfterSeconds) }, body: { json: { message: 'the subscription could not be written; retry later' } } };
    }
    if (!seen) return { status: 503, headers: { 'Retry-After': String(this.options.retryAfterSeconds) }, body: { json: { message: 'the subscription was written but is not visible yet; retry later' } } };
    return json(200, webhookPayload(webhook, this.options.store.statusesOf(webhook.id)));
  }

  private async guard(run: () => Promise<HttpAnswer>): Promise<HttpAnswer> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof InvalidSubscriptionError) return json(400, { message: error.message });
      throw error;
    }
  }
}
