/** The apps behind the gateway. */
export const upstreamNames = ['communication', 'admin', 'chatplugin', 'webhooks', 'twilio', 'sources', 'meta'] as const;
export type UpstreamName = (typeof upstreamNames)[number];

/** `exact`: the path equals it; `prefix`: the path starts with it. */
export interface PathRule {
  readonly match: 'exact' | 'prefix';
  readonly path: string;
  readonly upstream: UpstreamName;
  /** Also routes websocket upgrades. */
  readonly websocket?: boolean;
}

/**
 * Which app serves which path; the first matching rule wins, so the more specific rules come first
 * (`channels.chatplugin.*` before the admin's `channels.*`). Kubernetes ingress rules mirror this table.
 */
export const pathRules: readonly PathRule[] = [
  { match: 'prefix', path: '/channels.chatplugin.', upstream: 'chatplugin' },
  { match: 'prefix', path: '/chatplugin.', upstream: 'chatplugin' },
  { match: 'prefix', path: '/chatplugin/', upstream: 'chatplugin' },
  { match: 'exact', path: '/ws.chatplugin', upstream: 'chatplugin', websocket: true },
  { match: 'prefix', path: '/channels.twilio.', upstream: 'twilio' },
  { match: 'exact', path: '/twilio', upstream: 'twilio' },
  { match: 'prefix', path: '/channels.facebook.', upstream: 'meta' },
  { match: 'prefix', path: '/channels.instagram.', upstream: 'meta' },
  { match: 'prefix', path: '/channels.whatsapp.', upstream: 'meta' },
  { match: 'exact', path: '/facebook', upstream: 'meta' },
  { match: 'exact', path: '/whatsapp', upstream: 'meta' },
  { match: 'prefix', path: '/sources.', upstream: 'sources' },
  // Contact profiles are fetched by the Meta connector (Messenger, Instagram); before communication's conversations.*.
  { match: 'exact', path: '/conversations.refetch', upstream: 'meta' },
  { match: 'prefix', path: '/conversations.', upstream: 'communication' },
  { match: 'prefix', path: '/messages.', upstream: 'communication' },
  { match: 'prefix', path: '/metadata.', upstream: 'communication' },
  { match: 'exact', path: '/channels.list', upstream: 'admin' },
  { match: 'exact', path: '/channels.info', upstream: 'admin' },
  { match: 'exact', path: '/channels.update', upstream: 'admin' },
  { match: 'prefix', path: '/tags.', upstream: 'admin' },
  { match: 'prefix', path: '/templates.', upstream: 'admin' },
  { match: 'prefix', path: '/webhooks.', upstream: 'webhooks' },
  { match: 'exact', path: '/ws.communication', upstream: 'webhooks', websocket: true },
];

/** The rule serving `path` (no query string), or undefined: the gateway answers 404 itself. */
export function ruleFor(path: string, rules: readonly PathRule[] = pathRules): PathRule | undefined {
  return rules.find((rule) => (rule.match === 'exact' ? path === rule.path : path.startsWith(rule.path)));
}

/** The path of a request target (`/a.b?x=1` → `/a.b`); undefined for targets that are not origin-form. */
export function pathOf(target: string | undefined): string | undefined {
  if (target === undefined || !target.startsWith('/')) return undefined;
  const query = target.indexOf('?');
  return query < 0 ? target : target.slice(0, query);
}
