import * as path from 'node:path';
import { ChatpluginConfigError } from './errors';
import { parseChatpluginConfig } from './config';

const secrets = {
  AUTH_SYSTEM_TOKEN: 'system-token-0123456789',
  AUTH_JWT_SECRET: 'jwt-secret-0123456789abc',
  CHATPLUGIN_TOKEN_SECRET: 'chatplugin-secret-0123456789',
};

describe('parseChatpluginConfig', () => {
  it('applies the defaults', () => {
    const config = parseChatpluginConfig({ ...secrets, PORT: '3005' });
    expect(config).toMatchObject({
      port: 3005,
      host: '127.0.0.1',
      applicationServer: '127.0.0.1:3005',
      stateDir: path.resolve('.data/state/chatplugin'),
      applicationId: 'chatplugin',
      appVersion: 1,
      tokenSecret: secrets.CHATPLUGIN_TOKEN_SECRET,
      logLevel: 'info',
      kafka: { brokers: ['127.0.0.1:9092'] },
    });
    expect(config.topicsNamespace).toBeUndefined();
  });

  it('reads every variable', () => {
    const config = parseChatpluginConfig({
      ...secrets,
      PORT: '4000',
      HOST: '0.0.0.0',
      KAFKA_BROKERS: 'k1:9092,k2:9092',
      SCHEMA_REGISTRY_URL: 'http://registry:8081',
      TOPICS_NAMESPACE: 'staging',
      STATE_DIR: '/var/state',
      APPLICATION_SERVER: 'chatplugin-0.chatplugin:4000',
      APP_VERSION: '3',
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      port: 4000,
      host: '0.0.0.0',
      kafka: { brokers: ['k1:9092', 'k2:9092'] },
      registry: { url: 'http://registry:8081' },
      topicsNamespace: 'staging',
      stateDir: '/var/state',
      applicationServer: 'chatplugin-0.chatplugin:4000',
      appVersion: 3,
      applicationId: 'staging.chatplugin',
      logLevel: 'debug',
    });
  });

  it.each([
    ['CHATPLUGIN_TOKEN_SECRET', { ...secrets, CHATPLUGIN_TOKEN_SECRET: undefined }],
    ['CHATPLUGIN_TOKEN_SECRET', { ...secrets, CHATPLUGIN_TOKEN_SECRET: 'short' }],
    ['AUTH_SYSTEM_TOKEN', { ...secrets, AUTH_SYSTEM_TOKEN: undefined }],
    ['AUTH_JWT_SECRET', { ...secrets, AUTH_JWT_SECRET: undefined }],
    ['PORT', { ...secrets, PORT: 'eighty' }],
    ['APP_VERSION', { ...secrets, APP_VERSION: '0' }],
    ['LOG_LEVEL', { ...secrets, LOG_LEVEL: 'loud' }],
  ])('names %s when it is missing or wrong', (name, env) => {
    expect(() => parseChatpluginConfig(env)).toThrow(ChatpluginConfigError);
    expect(() => parseChatpluginConfig(env)).toThrow(name);
  });
});
