import { parseCommunicationConfig } from './config';

const base = {
  KAFKA_BROKERS: '127.0.0.1:9092',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8080/apis/ccompat/v7',
  AUTH_SYSTEM_TOKEN: 'system-token-0123456789',
  AUTH_JWT_SECRET: 'jwt-secret-0123456789abcdef',
};

describe('parseCommunicationConfig', () => {
  it('applies the defaults', () => {
    expect(parseCommunicationConfig({ ...base, PORT: '3001' })).toMatchObject({
      host: '127.0.0.1',
      port: 3001,
      kafka: { brokers: ['127.0.0.1:9092'] },
      registry: { url: 'http://127.0.0.1:8080/apis/ccompat/v7' },
      topicsNamespace: undefined,
      stateDir: '.data/state/communication',
      applicationServer: '127.0.0.1:3001',
      applicationId: 'communication',
      appVersion: 1,
      logLevel: 'info',
    });
  });

  it('prefixes the application id with the topics namespace and reads the overrides', () => {
    const config = parseCommunicationConfig({ ...base, TOPICS_NAMESPACE: 'staging', HOST: '0.0.0.0', PORT: '80', APPLICATION_SERVER: 'pod-1.svc:80', APP_VERSION: '3', STATE_DIR: '/state', LOG_LEVEL: 'DEBUG' });
    expect(config).toMatchObject({ applicationId: 'staging.communication', topicsNamespace: 'staging', applicationServer: 'pod-1.svc:80', appVersion: 3, stateDir: '/state', logLevel: 'debug' });
  });

  it('leaves the advertised endpoint to the bound port when PORT is 0 or absent', () => {
    expect(parseCommunicationConfig(base).applicationServer).toBeUndefined();
  });

  it.each([
    [{ KAFKA_BROKERS: undefined }, /KAFKA_BROKERS is required/],
    [{ SCHEMA_REGISTRY_URL: undefined }, /SCHEMA_REGISTRY_URL is required/],
    [{ AUTH_SYSTEM_TOKEN: '' }, /AUTH_SYSTEM_TOKEN is required/],
    [{ AUTH_JWT_SECRET: undefined }, /AUTH_JWT_SECRET is required/],
    [{ PORT: 'eighty' }, /PORT must be an integer/],
    [{ APP_VERSION: '0' }, /APP_VERSION must be an integer/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{ APPLICATION_SERVER: 'http://x:1' }, /APPLICATION_SERVER must be host:port/],
  ])('refuses %p', (override, message) => {
    expect(() => parseCommunicationConfig({ ...base, ...override })).toThrow(message);
  });
});
