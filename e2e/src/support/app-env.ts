import { randomBytes } from 'node:crypto';
import { kafkaBrokers, registryUrl } from '@platform/testing';

const secret = (bytes: number) => randomBytes(bytes).toString('base64url');

/**
 * The settings every app process of one test or bench shares: the test broker and registry, the
 * test's topic namespace, fresh secrets (system token, JWT, chat plugin and sources token secrets)
 * and warn-level logs; `extra` adds or overrides settings.
 */
export function appEnv(namespace: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    KAFKA_BROKERS: kafkaBrokers().join(','),
    SCHEMA_REGISTRY_URL: registryUrl(),
    TOPICS_NAMESPACE: namespace,
    AUTH_SYSTEM_TOKEN: secret(24),
    AUTH_JWT_SECRET: secret(32),
    CHATPLUGIN_TOKEN_SECRET: secret(32),
    SOURCES_TOKEN_SECRET: secret(32),
    LOG_LEVEL: 'warn',
    ...extra,
  };
}
