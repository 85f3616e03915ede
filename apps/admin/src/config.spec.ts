import * as path from 'node:path';
import { parseAdminConfig } from './config';
import { AdminConfigError } from './errors';

const base = {
  KAFKA_BROKERS: '127.0.0.1:9092',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8080/apis/ccompat/v7',
  AUTH_SYSTEM_TOKEN: 'system',
  AUTH_JWT_SECRET: 'secret',
};

describe('parseAdminConfig', () => {
  it('applies the documented defaults', () => {
    const config = parseAdminConfig(base);
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      kafka: { brokers: ['127.0.0.1:9092'] },
      registry: { url: 'http://127.0.0.1:8080/apis/ccompat/v7' },
      stateDir: path.resolve('.data/state/admin'),
      applicationServer: '127.0.0.1:3000',
      appVersion: 1,
      applicationId: 'admin',
      auth: { systemToken: 'system', jwtSecret: 'secret' },
      logLevel: 'info',
      writeTimeoutMs: 10_000,
      commitIntervalMs: 200,
    });
    expect(config.topicsNamespace).toBeUndefined();
  });

  it('reads every variable', () => {
    const config = parseAdminConfig({
      ...base,
      PORT: '4100',
      HOST: '0.0.0.0',
      TOPICS_NAMESPACE: 'staging',
      STATE_DIR: '/var/state/admin',
      APPLICATION_SERVER: 'admin-0.admin:4100',
      APP_VERSION: '3',
      LOG_LEVEL: 'DEBUG',
      WRITE_TIMEOUT_MS: '5000',
      COMMIT_INTERVAL_MS: '50',
    });
    expect(config).toMatchObject({
      port: 4100,
      host: '0.0.0.0',
      topicsNamespace: 'staging',
      stateDir: '/var/state/admin',
      applicationServer: 'admin-0.admin:4100',
      appVersion: 3,
      applicationId: 'staging.admin',
      logLevel: 'debug',
      writeTimeoutMs: 5000,
      commitIntervalMs: 50,
    });
  });

  it.each([
    [{ KAFKA_BROKERS: undefined }, /KAFKA_BROKERS/],
    [{ SCHEMA_REGISTRY_URL: undefined }, /SCHEMA_REGISTRY_URL/],
    [{ AUTH_SYSTEM_TOKEN: ' ' }, /AUTH_SYSTEM_TOKEN/],
    [{ AUTH_JWT_SECRET: undefined }, /AUTH_JWT_SECRET/],
    [{ PORT: 'eighty' }, /PORT/],
    [{ APP_VERSION: '0' }, /APP_VERSION/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ APPLICATION_SERVER: 'nohost' }, /APPLICATION_SERVER/],
    [{ KAFKA_BROKERS: 'broker' }, /KAFKA_BROKERS/],
  ])('refuses %j naming the variable', (override, message) => {
    const attempt = () => parseAdminConfig({ ...base, ...override });
    expect(attempt).toThrow(AdminConfigError);
    expect(attempt).toThrow(message);
  });
});
