import { parseWebhooksConfig } from './config';
import { WebhooksConfigError } from './errors';

const base = {
  KAFKA_BROKERS: '127.0.0.1:9092',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8080/apis/ccompat/v7',
  AUTH_SYSTEM_TOKEN: 'system-token-0123456789',
  AUTH_JWT_SECRET: 'jwt-secret-0123456789abcdef',
  WEBHOOKS_ENCRYPTION_KEY: 'encryption-secret-0123',
};

describe('parseWebhooksConfig', () => {
  it('has safe defaults: private targets refused, bounded retries', () => {
    const config = parseWebhooksConfig(base);
    expect(config.allowPrivateTargets).toBe(false);
    expect(config.applicationId).toBe('webhooks');
    expect(config.delivery).toEqual({ maxAttempts: 10, backoffBaseMs: 1000, backoffMaxMs: 3_600_000, connectTimeoutMs: 2000, requestTimeoutMs: 10_000, concurrencyPerSubscription: 64, dispatchIntervalMs: 10, laneRunLength: 32 });
  });

  it('reads the delivery settings and the namespace', () => {
    const config = parseWebhooksConfig({ ...base, TOPICS_NAMESPACE: 'ns', WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true', WEBHOOKS_MAX_ATTEMPTS: '3', WEBHOOKS_BACKOFF_BASE_MS: '10', WEBHOOKS_BACKOFF_MAX_MS: '20' });
    expect(config).toMatchObject({ applicationId: 'ns.webhooks', allowPrivateTargets: true, delivery: { maxAttempts: 3, backoffBaseMs: 10, backoffMaxMs: 20 } });
  });

  it('names the variable that is missing or wrong', () => {
    const { WEBHOOKS_ENCRYPTION_KEY: _omitted, ...withoutKey } = base;
    expect(() => parseWebhooksConfig(withoutKey)).toThrow(WebhooksConfigError);
    expect(() => parseWebhooksConfig(withoutKey)).toThrow('WEBHOOKS_ENCRYPTION_KEY');
    expect(() => parseWebhooksConfig({ ...base, WEBHOOKS_ENCRYPTION_KEY: 'short' })).toThrow('at least 16 characters');
    expect(() => parseWebhooksConfig({ ...base, WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'yes' })).toThrow('WEBHOOKS_ALLOW_PRIVATE_TARGETS');
    expect(() => parseWebhooksConfig({ ...base, WEBHOOKS_MAX_ATTEMPTS: '0' })).toThrow('WEBHOOKS_MAX_ATTEMPTS');
  });
});
