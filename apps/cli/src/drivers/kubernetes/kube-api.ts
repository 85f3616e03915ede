/**
 * The thin Kubernetes API the driver is written against: five verbs on namespaced objects named by
 * apiVersion + kind. `ClientNodeKubeApi` (client-node-api.ts) implements it with
 * `KubernetesObjectApi` of @kubernetes/client-node (read / list / create / patch / delete
 * by apiVersion and kind), so the driver does not change with the client.
 */
export interface KubeApi {
  /** The object, or undefined when it does not exist (404). */
  get<T extends KubeObject>(kind: KindRef, name: string): Promise<T | undefined>;
  /** Every object of the kind in the namespace matching a label selector (`a=b,c,!d`). */
  list<T extends KubeObject>(kind: KindRef, labelSelector?: string): Promise<T[]>;
  create<T extends KubeObject>(kind: KindRef, body: T): Promise<T>;
  /** JSON merge patch (RFC 7386): objects merge, arrays and scalars replace, null deletes a key. */
  mergePatch<T extends KubeObject>(kind: KindRef, name: string, patch: object): Promise<T>;
  /** Deletes (foreground for owners); false when it did not exist. */
  delete(kind: KindRef, name: string): Promise<boolean>;
  /** The namespace every call works in. */
  readonly namespace: string;
  close(): Promise<void>;
}

/** An API group/version and the plural resource name in its URL. */
export interface KindRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly plural: string;
}

export const KINDS = {
  statefulSet: { apiVersion: 'apps/v1', kind: 'StatefulSet', plural: 'statefulsets' },
  service: { apiVersion: 'v1', kind: 'Service', plural: 'services' },
  pod: { apiVersion: 'v1', kind: 'Pod', plural: 'pods' },
  pvc: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', plural: 'persistentvolumeclaims' },
  pdb: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets' },
} as const satisfies Record<string, KindRef>;

/** An answer of the API server other than 2xx/404 (403 Forbidden names the missing RBAC verb). */
export class KubeApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly reason: string | undefined,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  resourceVersion?: string;
  uid?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  managedFields?: unknown[];
  ownerReferences?: unknown[];
  finalizers?: string[];
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}

export interface Container {
  name: string;
  env?: EnvVar[];
  [field: string]: unknown;
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: { containers: Container[]; nodeName?: string; [field: string]: unknown };
}

export interface StatefulSet extends KubeObject {
  spec: {
    replicas?: number;
    serviceName?: string;
    selector: { matchLabels?: Record<string, string> };
    template: PodTemplate;
    volumeClaimTemplates?: { metadata: { name: string; labels?: Record<string, string> }; spec?: unknown }[];
    [field: string]: unknown;
  };
  status?: { replicas?: number; readyReplicas?: number; availableReplicas?: number; observedGeneration?: number };
}

export interface Service extends KubeObject {
  spec: { selector?: Record<string, string>; clusterIP?: string; clusterIPs?: string[]; [field: string]: unknown };
}

export interface PodDisruptionBudget extends KubeObject {
  spec: { selector?: { matchLabels?: Record<string, string> }; [field: string]: unknown };
}

export interface Pod extends KubeObject {
  spec?: { nodeName?: string };
  status?: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[] };
}

export interface PersistentVolumeClaim extends KubeObject {
  status?: { phase?: string };
}
