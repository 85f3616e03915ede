import { signJwt, verifyJwt, type JwtFailureReason } from '@platform/auth';
import { VisitorAuthError } from '../errors';

/** Who a visitor is: one conversation on one chat plugin channel. */
export interface VisitorIdentity {
  readonly channelId: string;
  readonly conversationId: string;
}

export interface VisitorTokenOptions {
  /** HS256 secret (CHATPLUGIN_TOKEN_SECRET): from config, so tokens survive restarts and upgrades. */
  readonly secret: string;
  /** Lifetime of a visitor token (default 1 h, as Airy). */
  readonly visitorTokenTtlSeconds?: number;
  /** Lifetime of a resume token (default 30 days; Airy's 7 days left returning visitors stuck). */
  readonly resumeTokenTtlSeconds?: number;
  /** Epoch millis; injectable for tests. */
  readonly now?: () => number;
}

const VISITOR_AUDIENCE = 'chatplugin.visitor';
const RESUME_AUDIENCE = 'chatplugin.resume';

const reasons: Record<JwtFailureReason, string> = {
  malformed: 'invalid token',
  unsupported_algorithm: 'invalid token',
  bad_signature: 'invalid token',
  expired: 'token expired',
  not_yet_valid: 'token not yet valid',
  wrong_audience: 'invalid token',
};

/**
 * Visitor and resume tokens: HS256 JWTs with Airy's claims (`conversation_id`/`channel_id`, and
 * `resume_conversation_id`/`resume_channel_id`) and an audience per kind, so a resume token is never
 * accepted as a visitor token or the other way round. Checking the channel is the caller's job.
 */
export class VisitorTokens {
  private readonly now: () => number;
  private readonly visitorTtl: number;
  private readonly resumeTtl: number;

  constructor(private readonly options: VisitorTokenOptions) {
    this.now = options.now ?? Date.now;
    this.visitorTtl = options.visitorTokenTtlSeconds ?? 60 * 60;
    this.resumeTtl = options.resumeTokenTtlSeconds ?? 30 * 24 * 60 * 60;
  }

  issueVisitorToken(identity: VisitorIdentity): Promise<string> {
    const claims = { aud: VISITOR_AUDIENCE, sub: identity.conversationId, conversation_id: identity.conversationId, channel_id: identity.channelId };
    return signJwt(claims, this.options.secret, { expiresInSeconds: this.visitorTtl, now: this.now() });
  }

  issueResumeToken(identity: VisitorIdentity): Promise<string> {
    const claims = { aud: RESUME_AUDIENCE, resume_conversation_id: identity.conversationId, resume_channel_id: identity.channelId };
    return signJwt(claims, this.options.secret, { expiresInSeconds: this.resumeTtl, now: this.now() });
  }

  /** The identity in a visitor token; throws VisitorAuthError (401) otherwise. */
  async verifyVisitorToken(token: string): Promise<VisitorIdentity> {
    const claims = await this.verify(token, VISITOR_AUDIENCE);
    return identityOf(claims.channel_id, claims.conversation_id);
  }

  /** The identity in a resume token; throws VisitorAuthError (401) otherwise. */
  async verifyResumeToken(token: string): Promise<VisitorIdentity> {
    const claims = await this.verify(token, RESUME_AUDIENCE);
    return identityOf(claims.resume_channel_id, claims.resume_conversation_id);
  }

  private async verify(token: string, audience: string): Promise<Record<string, unknown>> {
    const result = await verifyJwt(token, this.options.secret, { audience, now: this.now() });
    if (!result.ok) throw new VisitorAuthError(reasons[result.reason]);
    return result.claims;
  }
}

function identityOf(channelId: unknown, conversationId: unknown): VisitorIdentity {
  if (typeof channelId !== 'string' || channelId === '' || typeof conversationId !== 'string' || conversationId === '') {
    throw new VisitorAuthError('invalid token');
  }
  return { channelId, conversationId };
}

/** The token of `Authorization: Bearer <token>`; undefined when absent or of another scheme. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value === undefined ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(value);
  return match?.[1];
}
