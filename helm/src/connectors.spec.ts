import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SecretBox, parseSecretKeys } from '@platform/connector-kit';
import { Manifest, chartDir, helmTemplate, k8sTools, named, ofKind, workspaceRoot } from './testing/render';

// The connector apps (apps/twilio, apps/sources, apps/meta) in the chart: their secrets, the gateway's routes to
// them, the public URL. chart.spec.ts checks them as stateful apps (StatefulSet, PVC template, init containers,
// probes, security) with the others.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Container = any;

const connectors = ['twilio', 'sources', 'meta'] as const;

let helm: string;
let defaults: Manifest[];

beforeAll(() => {
  helm = k8sTools().helm;
  defaults = helmTemplate(helm).manifests;
}, 900_000);

const main = (manifests: readonly Manifest[], app: string): Container => named(manifests, 'StatefulSet', `chat-${app}-v1`).spec.template.spec.containers[0];
const env = (container: Container): Map<string, Container> => new Map((container.env ?? []).map((e: Container) => [e.name, e]));
const secretText = (manifests: readonly Manifest[], key: string): string | undefined => {
  const value = named(manifests, 'Secret', 'chat-secrets').data?.[key];
  return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
};
const keyRef = (container: Container, name: string) => env(container).get(name)?.valueFrom?.secretKeyRef;

describe('connectors', () => {
  it('the gateway routes every upstream it knows (path-rules.ts) to that app\'s client Service', () => {
    // The gateway's own list of upstreams: an app added there without a route in the chart fails here.
    const rules = readFileSync(join(workspaceRoot, 'apps', 'gateway', 'src', 'routing', 'path-rules.ts'), 'utf8');
    const list = /export const upstreamNames = \[([^\]]*)\] as const/.exec(rules)?.[1];
    const upstreams = [...(list ?? '').matchAll(/'([a-z]+)'/g)].map((m) => m[1]);
    expect(upstreams).toEqual(expect.arrayContaining([...connectors]));

    const gateway = named(defaults, 'Deployment', 'chat-gateway').spec.template.spec.containers[0];
    const routes = JSON.parse(env(gateway).get('GATEWAY_ROUTES').value) as Record<string, string>;
    expect(Object.keys(routes).sort()).toEqual([...upstreams].sort());
    for (const app of connectors) {
      expect(routes[app]).toBe(`http://chat-${app}.chat.svc:3000`);
      const client = named(defaults, 'Service', `chat-${app}`);
      expect(client.spec.selector).toEqual(named(defaults, 'StatefulSet', `chat-${app}-v1`).spec.selector.matchLabels);
      expect(client.spec.ports[0].port).toBe(3000);
    }
    // A disabled connector has no route (the gateway answers 502 on its paths) and no objects.
    const { manifests } = helmTemplate(helm, { statefulApps: { meta: { enabled: false } } });
    const without = JSON.parse(env(named(manifests, 'Deployment', 'chat-gateway').spec.template.spec.containers[0]).get('GATEWAY_ROUTES').value);
    expect(without.meta).toBeUndefined();
    expect(manifests.filter((m) => m.metadata.name.startsWith('chat-meta'))).toEqual([]);
  });

  it('can be given every variable their config.ts reads, and set none that it does not read', () => {
    const values = parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) as { statefulApps: Record<string, { env: object; secretEnv: object; publicUrlEnv?: string }> };
    const source = (...parts: string[]) => readFileSync(join(workspaceRoot, ...parts), 'utf8');
    const shared = ['service-config.ts', 'kafka-connection.ts'].map((file) => source('libs', 'config', 'src', file)).join('\n');
    for (const app of connectors) {
      const config = source('apps', app, 'src', 'config.ts');
      const read = new Set([...config.matchAll(/'([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1]));
      const { env: settings, secretEnv, publicUrlEnv } = values.statefulApps[app];
      const settable = new Set([...Object.keys(settings), ...Object.keys(secretEnv), ...(publicUrlEnv ? [publicUrlEnv] : [])]);
      // What the chart sets for every app (connection, ports, state dir…): the rendered container's plain env.
      for (const e of main(defaults, app).env as Container[]) if (e.value !== undefined) settable.add(e.name);
      expect({ app, unreachable: [...read].filter((name) => !settable.has(name)) }).toEqual({ app, unreachable: [] });
      const unread = [...settable].filter((name) => name !== 'POD_NAME' && !read.has(name) && !shared.includes(`'${name}'`));
      expect({ app, unread }).toEqual({ app, unread: [] });
    }
  });

  it('run as streams apps: own application server, version and state dir; the apps\' command', () => {
    for (const app of connectors) {
      const e = env(main(defaults, app));
      expect(main(defaults, app).command).toEqual(['node', `/app/dist/apps/${app}/main.js`]);
      expect(e.get('APPLICATION_SERVER').value).toBe(`$(POD_NAME).chat-${app}-v1-headless.chat.svc:3000`);
      expect(e.get('APP_VERSION').value).toBe('1');
      expect(e.get('STATE_DIR').value).toBe('/var/lib/platform/state');
      // Blank settings are left out (the apps' defaults apply), not passed as empty strings.
      for (const [, entry] of e) expect(entry.value).not.toBe('');
    }
  });

  it('generate their secrets into the Secret: AES key lists the apps accept, a long enough token secret, a verify token', () => {
    for (const key of ['TWILIO_CREDENTIALS_KEYS', 'META_CREDENTIALS_KEYS']) {
      const keys = parseSecretKeys(secretText(defaults, key) ?? '');
      expect(keys).toHaveLength(1);
      expect(keys[0].key).toHaveLength(32);
      const box = new SecretBox(keys);
      expect(box.open(box.seal('page-token', 'channel-1'), 'channel-1')).toBe('page-token');
    }
    expect(secretText(defaults, 'TWILIO_CREDENTIALS_KEYS')).not.toBe(secretText(defaults, 'META_CREDENTIALS_KEYS'));
    expect((secretText(defaults, 'SOURCES_TOKEN_SECRET') ?? '').length).toBeGreaterThanOrEqual(32);
    expect(secretText(defaults, 'META_VERIFY_TOKEN')).toMatch(/^[A-Za-z0-9]{48}$/);
    // Provider credentials cannot be made up: absent until given.
    for (const key of ['META_APP_SECRET', 'TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN']) expect(secretText(defaults, key)).toBeUndefined();

    expect(keyRef(main(defaults, 'sources'), 'SOURCES_TOKEN_SECRET')).toEqual({ name: 'chat-secrets', key: 'SOURCES_TOKEN_SECRET' });
    expect(keyRef(main(defaults, 'twilio'), 'TWILIO_CREDENTIALS_KEYS')).toEqual({ name: 'chat-secrets', key: 'TWILIO_CREDENTIALS_KEYS', optional: true });
    // Optional: without the key in the Secret the variable is unset, which the apps take as "refuse webhooks / connects".
    for (const name of ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN']) expect(keyRef(main(defaults, 'twilio'), name)).toEqual({ name: 'chat-secrets', key: name, optional: true });
    for (const name of ['META_APP_SECRET', 'META_VERIFY_TOKEN', 'META_CREDENTIALS_KEYS']) expect(keyRef(main(defaults, 'meta'), name)).toEqual({ name: 'chat-secrets', key: name, optional: true });
  });

  it('given secrets land only in the Secret, and replace the generated ones', () => {
    const keys = `k2:${randomBytes(32).toString('base64')},k1:${randomBytes(32).toString('base64')}`;
    const given = {
      META_APP_SECRET: 'meta-app-secret-0123456789',
      META_VERIFY_TOKEN: 'verify-token-0123456789',
      META_CREDENTIALS_KEYS: keys,
      TWILIO_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef',
      TWILIO_AUTH_TOKEN: 'twilio-auth-token-0123456789',
      SOURCES_TOKEN_SECRET: 's'.repeat(40),
    };
    const { manifests } = helmTemplate(helm, { secrets: { values: given } });
    for (const [key, value] of Object.entries(given)) expect(secretText(manifests, key)).toBe(value);
    expect(parseSecretKeys(secretText(manifests, 'META_CREDENTIALS_KEYS') ?? '').map((k) => k.id)).toEqual(['k2', 'k1']);
    const visible = JSON.stringify(manifests.filter((m) => m.kind !== 'Secret'));
    for (const value of Object.values(given)) expect(visible).not.toContain(value);
    expect(JSON.stringify(ofKind(manifests, 'ConfigMap'))).not.toContain('k2:');
  });

  it('refuse secret values the apps would refuse, and unknown keys', () => {
    const render = (values: object) => () => helmTemplate(helm, { secrets: { values } });
    expect(render({ META_CREDENTIALS_KEYS: 'k1:short' })).toThrow(/META_CREDENTIALS_KEYS must be id:base64\(32 bytes\)/);
    expect(render({ TWILIO_CREDENTIALS_KEYS: randomBytes(32).toString('base64') })).toThrow(/TWILIO_CREDENTIALS_KEYS must be/);
    expect(render({ TWILIO_ACCOUNT_SID: 'AC1' })).toThrow(/TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN go together/);
    expect(render({ SOURCES_TOKEN_SECRET: 'too-short' })).toThrow(/at least 32 characters/);
    expect(render({ AUTH_SYSTEM_TOKEN: 'x'.repeat(48) })).toThrow(/secrets.values.AUTH_SYSTEM_TOKEN: not a secret the chart takes/);
  });

  it('with an existing Secret, read the connectors\' keys from it (optional ones stay optional)', () => {
    const { manifests } = helmTemplate(helm, { secrets: { existingSecret: 'mine' } });
    expect(ofKind(manifests, 'Secret')).toEqual([]);
    expect(keyRef(main(manifests, 'sources'), 'SOURCES_TOKEN_SECRET')).toEqual({ name: 'mine', key: 'SOURCES_TOKEN_SECRET' });
    expect(keyRef(main(manifests, 'meta'), 'META_APP_SECRET')).toEqual({ name: 'mine', key: 'META_APP_SECRET', optional: true });
  });

  it('publicUrl reaches the Twilio connector as TWILIO_PUBLIC_URL; its own env wins; settings pass through', () => {
    const { manifests } = helmTemplate(helm, {
      publicUrl: 'https://chat.example.com',
      statefulApps: { meta: { env: { META_APP_ID: '1234567890', META_GRAPH_VERSION: 'v25.0' } }, twilio: { env: { TWILIO_STALE_AFTER_MS: 86_400_000 } } },
    });
    expect(env(main(manifests, 'twilio')).get('TWILIO_PUBLIC_URL').value).toBe('https://chat.example.com');
    expect(env(main(manifests, 'twilio')).get('TWILIO_STALE_AFTER_MS').value).toBe('86400000');
    for (const app of ['sources', 'meta']) expect(env(main(manifests, app)).has('TWILIO_PUBLIC_URL')).toBe(false);
    expect(env(main(manifests, 'meta')).get('META_APP_ID').value).toBe('1234567890');
    expect(env(main(manifests, 'meta')).get('META_GRAPH_VERSION').value).toBe('v25.0');
    expect(env(main(defaults, 'twilio')).has('TWILIO_PUBLIC_URL')).toBe(false);

    const own = helmTemplate(helm, { publicUrl: 'https://chat.example.com', statefulApps: { twilio: { env: { TWILIO_PUBLIC_URL: 'https://sms.example.com' } } } });
    const twilio = (main(own.manifests, 'twilio').env as Container[]).filter((e) => e.name === 'TWILIO_PUBLIC_URL');
    expect(twilio).toEqual([{ name: 'TWILIO_PUBLIC_URL', value: 'https://sms.example.com' }]);
  });

  it('run blue/green like the other streams apps (own group per version, the client Service on the live one)', () => {
    const { manifests } = helmTemplate(helm, { statefulApps: { twilio: { liveVersion: 2, versions: [{ number: 1 }, { number: 2 }] } } });
    const v2 = named(manifests, 'StatefulSet', 'chat-twilio-v2');
    expect(env(v2.spec.template.spec.containers[0]).get('APP_VERSION').value).toBe('2');
    expect(named(manifests, 'Service', 'chat-twilio').spec.selector).toEqual(v2.spec.selector.matchLabels);
    expect(named(manifests, 'PodDisruptionBudget', 'chat-twilio-v2').spec.selector.matchLabels).toEqual(v2.spec.selector.matchLabels);
  });
});
