import type { ChannelLookup, RawIngress, WebhookRequest } from '@platform/connector-kit';
import { explorePages, type ExploredPage } from './explore';
import type { GraphClient } from './graph-client';
import type { ProfileFetcher } from './profile-fetcher';
import { handshakeChallenge } from './signature';
import type { WebhookKind } from './verifier';

export interface MetaWebhooksOptions {
  readonly verifyToken: string | undefined;
  readonly ingress: Readonly<Record<WebhookKind, RawIngress>>;
  readonly profiles: ProfileFetcher | undefined;
  readonly graph: GraphClient;
  readonly channels: ChannelLookup;
}

/** The webhook use cases: handshake, raw ingress (+ profile fetch for page webhooks), and page exploration. */
export class MetaWebhooks {
  constructor(private readonly options: MetaWebhooksOptions) {}

  /** The challenge to answer with (200), or undefined for 403. */
  handshake(query: Record<string, unknown>): string | undefined {
    return handshakeChallenge(this.options.verifyToken, { mode: query['hub.mode'], token: query['hub.verify_token'], challenge: query['hub.challenge'] });
  }

  /** Verifies and writes the body untouched to its raw topic (WebhookRejectedError otherwise). */
  async receive(kind: WebhookKind, request: WebhookRequest): Promise<void> {
    await this.options.ingress[kind].accept(request);
    if (kind === 'page') this.options.profiles?.notice(request.body);
  }

  explore(body: unknown): Promise<{ data: ExploredPage[] }> {
    return explorePages(this.options.graph, this.options.channels, body);
  }
}
