import * as path from 'node:path';
import { ConfigError, envInteger, envText, kafkaClientConfigFromEnv, type ExternalKafkaConfig, type ExternalRegistryConfig } from '@platform/config';

/** Everything the CLI needs from the environment, read once by `main.ts` (commands get it passed in). */
export interface CliConfig {
  readonly kafka: ExternalKafkaConfig;
  readonly registry: ExternalRegistryConfig;
  /** `TOPICS_NAMESPACE`: prefix of every declared topic and of every streams application id (`<ns>.<app>`). */
  readonly topicsNamespace: string | undefined;
  /** Which driver controls app instances: `local` (the `npm start` supervisor) or `kubernetes`. */
  readonly driver: 'local' | 'kubernetes';
  /** Local driver: the control file `npm start` writes (URL + token of its control endpoint). */
  readonly supervisorFile: string;
  /** Kubernetes driver: the namespace the platform runs in (`KUBE_NAMESPACE`, default `default`). */
  readonly kubeNamespace: string;
  /** Kubernetes driver: cluster access and the Helm release (src/drivers/kubernetes/kube-access.ts). */
  readonly kube?: KubeSettings;
  /** Longest wait of an operation on the driver or the broker (`CLI_TIMEOUT_MS`, default 120 s). */
  readonly timeoutMs: number;
}

/** KUBECONFIG (its first path), ~/.kube/config, KUBE_CONTEXT, KUBERNETES_SERVICE_HOST/PORT, KUBE_RELEASE. */
export interface KubeSettings {
  readonly kubeconfig?: string;
  /** `$HOME/.kube/config`, used when there is no KUBECONFIG and no in-cluster service account and it exists. */
  readonly defaultKubeconfig?: string;
  readonly context?: string;
  /** KUBE_NAMESPACE when set: it wins over the kubeconfig context's / the service account's namespace. */
  readonly namespace?: string;
  readonly inCluster?: { readonly host: string; readonly port: string };
  readonly release?: string;
}

type Env = Record<string, string | undefined>;

function parseKubeSettings(env: Env, cwd: string): KubeSettings {
  const explicit = envText(env, 'KUBECONFIG')?.split(path.delimiter).find((p) => p.length > 0);
  const host = envText(env, 'KUBERNETES_SERVICE_HOST');
  const home = envText(env, 'HOME');
  const context = envText(env, 'KUBE_CONTEXT');
  const release = envText(env, 'KUBE_RELEASE');
  const namespace = envText(env, 'KUBE_NAMESPACE');
  return {
    ...(explicit ? { kubeconfig: path.resolve(cwd, explicit) } : {}),
    ...(home ? { defaultKubeconfig: path.join(home, '.kube', 'config') } : {}),
    ...(context ? { context } : {}),
    ...(namespace ? { namespace } : {}),
    ...(host ? { inCluster: { host, port: envText(env, 'KUBERNETES_SERVICE_PORT') ?? '443' } } : {}),
    ...(release ? { release } : {}),
  };
}

/** What `npm start` listens on by default, so the CLI works beside it without any variable set. */
export const LOCAL_DEFAULTS = { brokers: ['127.0.0.1:9092'], registryUrl: 'http://127.0.0.1:8080/apis/ccompat/v7' } as const;

/**
 * Pure parse of the environment: KAFKA_* and SCHEMA_REGISTRY_* (the shared readers; defaults: the local
 * stack of `npm start`), TOPICS_NAMESPACE, CLI_DRIVER, SUPERVISOR_CONTROL_FILE, KUBE_NAMESPACE, KUBECONFIG, KUBE_CONTEXT, KUBE_RELEASE,
 * KUBERNETES_SERVICE_HOST/PORT, CLI_TIMEOUT_MS.
 * Throws ConfigError naming the variable.
 */
export function parseCliConfig(env: Env, cwd = process.cwd()): CliConfig {
  const client = kafkaClientConfigFromEnv(env);
  const driver = (envText(env, 'CLI_DRIVER') ?? 'local').toLowerCase();
  if (driver !== 'local' && driver !== 'kubernetes') throw new ConfigError(`CLI_DRIVER must be local or kubernetes, not "${driver}"`);
  const namespace = envText(env, 'TOPICS_NAMESPACE');
  return {
    kafka: client.kafka ?? { brokers: [...LOCAL_DEFAULTS.brokers] },
    registry: client.registry ?? { url: LOCAL_DEFAULTS.registryUrl },
    topicsNamespace: namespace,
    driver,
    supervisorFile: path.resolve(cwd, envText(env, 'SUPERVISOR_CONTROL_FILE') ?? path.join('.data', 'supervisor.json')),
    kubeNamespace: envText(env, 'KUBE_NAMESPACE') ?? 'default',
    kube: parseKubeSettings(env, cwd),
    timeoutMs: envInteger(env, 'CLI_TIMEOUT_MS', 120_000, 1000, 3_600_000),
  };
}
