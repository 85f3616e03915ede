import type { Authenticator } from '@platform/auth';
import { clientAddress, RateLimitPolicy, TrustedProxies, type RateLimitedRequest } from '@platform/nest-platform';
import type { ChatpluginConfig } from '../config';
import { bearerToken, type VisitorTokens } from '../visitor/visitor-tokens';

/** Name of the policy `@RateLimit` refers to on the visitor endpoints. */
export const VISITOR_RATE_LIMIT = 'visitor';

export interface VisitorRateLimitParts {
  readonly config: Pick<ChatpluginConfig, 'trustedProxies' | 'visitorRateLimit'>;
  readonly tokens: VisitorTokens;
  /** Callers with the system token or a user JWT (the Airy form of `chatplugin.resumeToken`) are not limited. */
  readonly authenticator: Authenticator;
  /** Clock, for tests. */
  readonly now?: () => number;
}

/**
 * Limits of the public visitor surface (`chatplugin.authenticate`, `chatplugin.send`,
 * `chatplugin.resumeToken`, the websocket connect), all counted together: per client address (the
 * socket's, or `X-Forwarded-For` from `TRUSTED_PROXIES`) and per channel (the body's `channel_id`, or the
 * channel of a valid visitor/resume token; a request whose channel is unknown, such as a websocket
 * upgrade, whose token comes later in the STOMP CONNECT frame, counts per address only).
 */
export function visitorRateLimitPolicy(parts: VisitorRateLimitParts): RateLimitPolicy {
  const { config, tokens, authenticator } = parts;
  const trusted = new TrustedProxies(config.trustedProxies);
  const platformCaller = async (req: RateLimitedRequest) => {
    const header = req.headers.authorization;
    return (await authenticator.authenticate(Array.isArray(header) ? header[0] : header)).ok;
  };
  const channelOf = async (req: RateLimitedRequest): Promise<string | undefined> => {
    const body = typeof req.body === 'object' && req.body !== null && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : undefined;
    const own = (name: string) => (body !== undefined && Object.hasOwn(body, name) ? body[name] : undefined);
    const channelId = own('channel_id');
    if (typeof channelId === 'string') return channelId;
    const visitorToken = bearerToken(req.headers.authorization);
    if (visitorToken !== undefined) {
      try {
        return (await tokens.verifyVisitorToken(visitorToken)).channelId;
      } catch {
        // not a valid visitor token: its refusal is the handler's business
      }
    }
    const resumeToken = own('resume_token');
    if (typeof resumeToken === 'string') {
      try {
        return (await tokens.verifyResumeToken(resumeToken)).channelId;
      } catch {
        // likewise
      }
    }
    return undefined;
  };
  const { perAddress, perChannel, windowMs } = config.visitorRateLimit;
  return new RateLimitPolicy(
    [
      { scope: 'client address', limit: perAddress, windowMs, key: async (req) => ((await platformCaller(req)) ? undefined : clientAddress(req, trusted)) },
      { scope: 'channel', limit: perChannel, windowMs, key: async (req) => ((await platformCaller(req)) ? undefined : channelOf(req)) },
    ],
    parts.now,
  );
}
