import type { CliConfig } from '../../config';
import { DriverUnavailableError } from '../driver';
import { loadKubeAccess } from './kube-access';
import { KINDS, KubeApiError } from './kube-api';
import { ClientNodeKubeApi } from './client-node-api';
import { KubernetesDriver } from './kubernetes-driver';

/**
 * The Kubernetes driver for CLI_DRIVER=kubernetes: cluster access from KUBECONFIG / the pod's service account,
 * namespace KUBE_NAMESPACE (else the kubeconfig context's or the service account's, else `default`), release
 * KUBE_RELEASE (optional). Lists the namespace's StatefulSets once, so missing
 * credentials or RBAC show up before any plan is printed.
 */
export async function connectKubernetes(config: CliConfig): Promise<KubernetesDriver> {
  const access = loadKubeAccess(config.kube ?? {});
  const namespace = config.kube?.namespace ?? access.namespace ?? config.kubeNamespace;
  const api = new ClientNodeKubeApi(access, namespace, Math.min(config.timeoutMs, 30_000));
  try {
    await api.list(KINDS.statefulSet, 'app.kubernetes.io/part-of=kafka-chat-platform');
  } catch (error) {
    await api.close();
    if (error instanceof KubeApiError && (error.status === 401 || error.status === 403)) {
      throw new DriverUnavailableError(`${access.source} may not list StatefulSets in namespace ${namespace} (${error.status}): use the chart's CLI service account (cli.rbac) or credentials with its Role`, { cause: error });
    }
    throw error;
  }
  return new KubernetesDriver(api, { timeoutMs: config.timeoutMs, ...(config.kube?.release ? { release: config.kube.release } : {}) });
}
