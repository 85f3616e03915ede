import { parseGatewayConfig } from './config';
import { GatewayConfigError } from './errors';

const routes = JSON.stringify({ communication: 'http://127.0.0.1:3001', admin: 'http://127.0.0.1:3000' });

describe('parseGatewayConfig', () => {
  it('reads defaults and the route table', () => {
    const config = parseGatewayConfig({ GATEWAY_ROUTES: routes });
    expect(config).toMatchObject({ host: '127.0.0.1', port: 8000, upstreamTimeoutMs: 30_000, logLevel: 'info' });
    expect(config.upstreams.communication?.origin).toBe('http://127.0.0.1:3001');
    expect(config.upstreams.chatplugin).toBeUndefined();
    expect(config.cors).toBeUndefined();
    expect(config.managementPort).toBeUndefined();
    expect(config.systemToken).toBeUndefined();
  });

  it('reads the management port and the system token guarding /metrics', () => {
    const config = parseGatewayConfig({ GATEWAY_ROUTES: routes, MANAGEMENT_PORT: '9100', AUTH_SYSTEM_TOKEN: 'a-system-token-of-some-length' });
    expect(config).toMatchObject({ managementPort: 9100, systemToken: 'a-system-token-of-some-length' });
  });

  it('reads CORS origins as * or a list', () => {
    expect(parseGatewayConfig({ GATEWAY_ROUTES: routes, CORS_ORIGINS: '*' }).cors).toBe('*');
    expect(parseGatewayConfig({ GATEWAY_ROUTES: routes, CORS_ORIGINS: 'https://a.example, http://localhost:5173' }).cors).toEqual([
      'https://a.example',
      'http://localhost:5173',
    ]);
  });

  it.each([
    [{}, /GATEWAY_ROUTES is required/],
    [{ GATEWAY_ROUTES: '{' }, /not valid JSON/],
    [{ GATEWAY_ROUTES: '[]' }, /JSON object/],
    [{ GATEWAY_ROUTES: '{"contacts":"http://x:1"}' }, /unknown app "contacts"/],
    [{ GATEWAY_ROUTES: '{"admin":"nope"}' }, /not a URL/],
    [{ GATEWAY_ROUTES: '{"admin":"http://x:1/api"}' }, /no path/],
    [{ GATEWAY_ROUTES: routes, CORS_ORIGINS: 'https://a.example/' }, /CORS_ORIGINS/],
    [{ GATEWAY_ROUTES: routes, PORT: '70000' }, /PORT/],
    [{ GATEWAY_ROUTES: routes, MANAGEMENT_PORT: 'x' }, /MANAGEMENT_PORT/],
    [{ GATEWAY_ROUTES: routes, LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
  ])('refuses %j', (env, message) => {
    expect(() => parseGatewayConfig(env)).toThrow(GatewayConfigError);
    expect(() => parseGatewayConfig(env)).toThrow(message);
  });
});
