import { ConfigError } from './errors';
import { kafkaClientConfigFromEnv, kafkaJsConnection } from './kafka-connection';

describe('kafkaClientConfigFromEnv', () => {
  it('is empty when nothing points at an external cluster', () => {
    expect(kafkaClientConfigFromEnv({})).toEqual({ kafka: undefined, registry: undefined });
  });

  it('reads brokers, SASL, TLS and registry settings', () => {
    const config = kafkaClientConfigFromEnv({
      KAFKA_BROKERS: 'a:9092, b:9093',
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: 'user',
      KAFKA_SASL_PASSWORD: 'secret',
      KAFKA_TLS_CA_FILE: '/etc/ca.pem',
      SCHEMA_REGISTRY_URL: 'https://registry.example/apis/ccompat/v7/',
      SCHEMA_REGISTRY_USERNAME: 'reg',
      SCHEMA_REGISTRY_PASSWORD: 'pw',
    });
    expect(config).toEqual({
      kafka: {
        brokers: ['a:9092', 'b:9093'],
        sasl: { mechanism: 'scram-sha-512', username: 'user', password: 'secret' },
        tls: { caFile: '/etc/ca.pem', rejectUnauthorized: true },
      },
      registry: { url: 'https://registry.example/apis/ccompat/v7', auth: { username: 'reg', password: 'pw' } },
    });
  });

  it.each([
    [{ KAFKA_BROKERS: 'nohostport' }, /not host:port/],
    [{ KAFKA_BROKERS: 'a:1', KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, /not supported/],
    [{ KAFKA_BROKERS: 'a:1', KAFKA_SASL_MECHANISM: 'plain' }, /without KAFKA_SASL_USERNAME/],
    [{ KAFKA_BROKERS: 'a:1', KAFKA_SASL_USERNAME: 'u' }, /without KAFKA_SASL_MECHANISM/],
    [{ SCHEMA_REGISTRY_URL: 'registry:8080' }, /not an http\(s\) URL/],
    [{ SCHEMA_REGISTRY_URL: 'http://r:8080', SCHEMA_REGISTRY_USERNAME: 'u' }, /set both/],
  ])('rejects inconsistent settings with one line: %j', (env, message) => {
    expect(() => kafkaClientConfigFromEnv(env)).toThrow(ConfigError);
    expect(() => kafkaClientConfigFromEnv(env)).toThrow(message);
  });
});

describe('kafkaJsConnection', () => {
  it('turns TLS and SASL settings into kafkajs options, reading the CA file', () => {
    const connection = kafkaJsConnection(
      { brokers: ['a:1'], tls: { caFile: '/ca.pem', rejectUnauthorized: false }, sasl: { mechanism: 'plain', username: 'u', password: 'p' } },
      (path) => `PEM from ${path}`,
    );
    expect(connection).toEqual({
      brokers: ['a:1'],
      ssl: { rejectUnauthorized: false, ca: ['PEM from /ca.pem'] },
      sasl: { mechanism: 'plain', username: 'u', password: 'p' },
    });
  });
});
