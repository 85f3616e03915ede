import * as path from 'node:path';
import { ConfigError } from './errors';
import { envInteger, envLogLevel, envRequired, envText, rethrowConfigError, serviceConfigFromEnv } from './service-config';

const base = {
  KAFKA_BROKERS: '127.0.0.1:9092',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8080/apis/ccompat/v7',
  AUTH_SYSTEM_TOKEN: 'system',
  AUTH_JWT_SECRET: 'secret',
};

describe('env readers', () => {
  it('treat blank as unset and trim values', () => {
    expect(envText({ A: '  x ' }, 'A')).toBe('x');
    expect(envText({ A: '   ' }, 'A')).toBeUndefined();
    expect(envText({}, 'A')).toBeUndefined();
    expect(envInteger({ N: ' ' }, 'N', 7, 1, 10)).toBe(7);
    expect(envInteger({ N: ' 10 ' }, 'N', 7, 1, 10)).toBe(10);
    expect(envRequired({ R: ' v ' }, 'R', 'set it')).toBe('v');
    expect(envLogLevel({})).toBe('info');
    expect(envLogLevel({ LOG_LEVEL: ' WARN ' })).toBe('warn');
  });

  it.each(['eighty', '1.5', '-1', '1e3', '0x10', '0', '11'])('refuses the integer "%s" naming the variable and the range', (raw) => {
    expect(() => envInteger({ N: raw }, 'N', 7, 1, 10)).toThrow(ConfigError);
    expect(() => envInteger({ N: raw }, 'N', 7, 1, 10)).toThrow(`N must be an integer from 1 to 10, not "${raw}"`);
  });

  it('refuses a missing required value with its hint, and an unknown log level', () => {
    expect(() => envRequired({ R: ' ' }, 'R', 'set it')).toThrow(new ConfigError('R is required — set it'));
    expect(() => envLogLevel({ LOG_LEVEL: 'loud' })).toThrow(new ConfigError('LOG_LEVEL must be one of debug, info, warn, error, not "loud"'));
  });
});

describe('serviceConfigFromEnv', () => {
  it('applies the defaults', () => {
    const config = serviceConfigFromEnv(base, { app: 'svc', defaultPort: 3000 });
    expect(config).toEqual({
      host: '127.0.0.1',
      port: 3000,
      kafka: { brokers: ['127.0.0.1:9092'] },
      registry: { url: 'http://127.0.0.1:8080/apis/ccompat/v7' },
      stateDir: path.resolve('.data/state/svc'),
      applicationServer: '127.0.0.1:3000',
      applicationId: 'svc',
      appVersion: 1,
      logLevel: 'info',
      auth: { systemToken: 'system', jwtSecret: 'secret' },
      producePath: 'lean',
      fetchPath: 'lean',
      writes: { timeoutMs: 5000, probeIntervalMs: 2000 },
    });
    expect(serviceConfigFromEnv({ ...base, KAFKA_WRITE_TIMEOUT_MS: '750', KAFKA_WRITE_PROBE_INTERVAL_MS: '500' }, { app: 'svc', defaultPort: 3000 }).writes).toEqual({ timeoutMs: 750, probeIntervalMs: 500 });
    expect(() => serviceConfigFromEnv({ ...base, KAFKA_WRITE_TIMEOUT_MS: '0' }, { app: 'svc', defaultPort: 3000 })).toThrow('KAFKA_WRITE_TIMEOUT_MS must be an integer from 100 to 120000, not "0"');
    expect(serviceConfigFromEnv(base, { app: 'svc', defaultPort: 3000, defaultStateDir: 'state/here' }).stateDir).toBe(path.resolve('state/here'));
  });

  it('reads every variable, prefixing the application id with the namespace', () => {
    const config = serviceConfigFromEnv(
      {
        ...base,
        HOST: '0.0.0.0',
        PORT: '4100',
        TOPICS_NAMESPACE: ' staging ',
        STATE_DIR: 'rel/state',
        APPLICATION_SERVER: 'svc-0.svc:4100',
        APP_VERSION: '3',
        LOG_LEVEL: 'DEBUG',
        STREAMS_PRODUCE_PATH: 'KafkaJS',
        STREAMS_FETCH_PATH: ' KafkaJS ',
      },
      { app: 'svc', defaultPort: 3000 },
    );
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 4100,
      topicsNamespace: 'staging',
      stateDir: path.resolve('rel/state'),
      applicationServer: 'svc-0.svc:4100',
      applicationId: 'staging.svc',
      appVersion: 3,
      logLevel: 'debug',
      producePath: 'kafkajs',
      fetchPath: 'kafkajs',
    });
  });

  it('leaves applicationServer undefined when PORT is 0 and APPLICATION_SERVER is unset', () => {
    const config = serviceConfigFromEnv(base, { app: 'svc', defaultPort: 0 });
    expect(config.port).toBe(0);
    expect(config.applicationServer).toBeUndefined();
    expect('applicationServer' in config).toBe(false);
    expect(serviceConfigFromEnv({ ...base, APPLICATION_SERVER: 'pod-1.svc:80' }, { app: 'svc', defaultPort: 0 }).applicationServer).toBe('pod-1.svc:80');
  });

  it.each([
    [{ KAFKA_BROKERS: undefined }, /^KAFKA_BROKERS is required — /],
    [{ KAFKA_BROKERS: ' ' }, /^KAFKA_BROKERS is required — /],
    [{ KAFKA_BROKERS: 'broker' }, /^KAFKA_BROKERS entry "broker" is not host:port/],
    [{ SCHEMA_REGISTRY_URL: undefined }, /^SCHEMA_REGISTRY_URL is required — /],
    [{ AUTH_SYSTEM_TOKEN: ' ' }, /^AUTH_SYSTEM_TOKEN is required — /],
    [{ AUTH_JWT_SECRET: undefined }, /^AUTH_JWT_SECRET is required — /],
    [{ PORT: 'eighty' }, /^PORT must be an integer from 0 to 65535, not "eighty"$/],
    [{ PORT: '70000' }, /^PORT must be an integer from 0 to 65535/],
    [{ APP_VERSION: '0' }, /^APP_VERSION must be an integer from 1 to 1000000, not "0"$/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of debug, info, warn, error, not "loud"$/],
    [{ STREAMS_PRODUCE_PATH: 'fast' }, /^STREAMS_PRODUCE_PATH must be one of kafkajs, lean, not "fast"$/],
    [{ STREAMS_FETCH_PATH: 'fast' }, /^STREAMS_FETCH_PATH must be one of kafkajs, lean, not "fast"$/],
    [{ APPLICATION_SERVER: 'nohost' }, /^APPLICATION_SERVER must be host:port, not "nohost"$/],
    [{ APPLICATION_SERVER: 'http://x:1' }, /^APPLICATION_SERVER must be host:port/],
    [{ HOST: '::' }, /^APPLICATION_SERVER must be host:port, not ":::3000"$/],
  ])('refuses %j with one line naming the variable', (override, message) => {
    const attempt = () => serviceConfigFromEnv({ ...base, ...override }, { app: 'svc', defaultPort: 3000 });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
  });

  it('refuses a PORT below minPort', () => {
    expect(() => serviceConfigFromEnv({ ...base, PORT: '0' }, { app: 'svc', defaultPort: 3000, minPort: 1 })).toThrow('PORT must be an integer from 1 to 65535, not "0"');
  });
});

describe('rethrowConfigError', () => {
  class AppConfigError extends Error {}
  const wrap = (message: string, cause: ConfigError) => Object.assign(new AppConfigError(message), { cause });

  it('rethrows a ConfigError as the app error with the same message and the original as cause', () => {
    const original = new ConfigError('X is required — set it');
    let thrown: unknown;
    try {
      rethrowConfigError(() => {
        throw original;
      }, wrap);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppConfigError);
    expect(thrown).toMatchObject({ message: 'X is required — set it', cause: original });
  });

  it('passes results and other errors through', () => {
    expect(rethrowConfigError(() => 42, wrap)).toBe(42);
    expect(() => rethrowConfigError(() => { throw new RangeError('other'); }, wrap)).toThrow(RangeError);
  });
});
