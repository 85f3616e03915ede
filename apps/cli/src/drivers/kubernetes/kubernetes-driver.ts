import type { AppInstance, InstanceState, PlatformDriver, StartOptions } from '../driver';
import { KINDS, KubeApiError, type KubeApi, type PersistentVolumeClaim, type Pod, type PodDisruptionBudget, type Service, type StatefulSet } from './kube-api';
import { LIVE_VERSION_ANNOTATION, REPLICAS_ANNOTATION, VERSION_LABEL, cloneService, clonePdb, cloneStatefulSet, versionOf, withVersionEnv } from './version-objects';

const PART_OF = 'app.kubernetes.io/part-of=kafka-chat-platform';
const NAME_LABEL = 'app.kubernetes.io/name';
const INSTANCE_LABEL = 'app.kubernetes.io/instance';

export interface KubernetesDriverOptions {
  /** The Helm release (`app.kubernetes.io/instance`); needed only when several releases share the namespace. */
  readonly release?: string;
  /** Longest wait of `start` (pods created), `stop` (pods gone) and `wipeState` (claims gone). */
  readonly timeoutMs: number;
  readonly pollMs?: number;
}

const selector = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

const isReady = (pod: Pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

function podState(pod: Pod): InstanceState {
  if (pod.metadata.deletionTimestamp) return 'stopping';
  switch (pod.status?.phase) {
    case 'Running':
      return isReady(pod) ? 'running' : 'starting';
    case 'Failed':
      return 'crashed';
    case 'Succeeded':
      return 'stopped';
    default:
      return 'starting';
  }
}

/**
 * The Kubernetes driver: one StatefulSet per app version as the chart renders them (label
 * `kafka-chat-platform/version`), and the app's client Service, whose selector names the live version.
 *
 *  - `start` scales an existing version back up (to the replicas it had before `stop`), or creates a new version
 *    by cloning the live version's StatefulSet, headless Service and PodDisruptionBudget with the new version
 *    (version-objects.ts); it resolves once the StatefulSet controller has created the pods;
 *  - `stop` scales to zero and waits until the version's pods are deleted (their consumers have left);
 *  - `route` patches the client Service's selector (new connections go to the new version's endpoints);
 *  - `wipeState` deletes the version's PersistentVolumeClaims (`<claim template>-<statefulset>-<ordinal>`) once no
 *    pod of the version is left, and waits until they are gone.
 * An instance is `running` when its pod is Ready (the kubelet's readiness probe on `/health/ready`); instances
 * carry no URL because pod addresses are rarely reachable from where the CLI runs.
 */
export class KubernetesDriver implements PlatformDriver {
  readonly name = 'kubernetes';
  private readonly pollMs: number;

  constructor(
    private readonly api: KubeApi,
    private readonly options: KubernetesDriverOptions,
  ) {
    this.pollMs = options.pollMs ?? 500;
  }

  async instances(app?: string): Promise<AppInstance[]> {
    const sets = await this.statefulSets(app);
    if (sets.length === 0) return [];
    const baseLabels = this.baseSelector(app);
    const [pods, claims] = await Promise.all([this.api.list<Pod>(KINDS.pod, baseLabels), this.api.list<PersistentVolumeClaim>(KINDS.pvc, this.baseSelector(app, false))]);
    const live = new Map<string, number | undefined>();
    for (const name of new Set(sets.map((s) => s.metadata.labels?.[NAME_LABEL] ?? ''))) live.set(name, await this.liveVersion(name));
    const found: AppInstance[] = [];
    for (const set of sets) {
      const appName = set.metadata.labels?.[NAME_LABEL] ?? '';
      const version = versionOf(set) ?? 0;
      const isLive = live.get(appName) === version;
      const ownPods = pods.filter((p) => matches(p.metadata.labels, set.spec.selector.matchLabels));
      const ownClaims = claims.filter((c) => claimOrdinal(set, c.metadata.name) !== undefined);
      const stateOf = (podName: string) => (set.spec.volumeClaimTemplates ?? []).map((t) => `persistentvolumeclaim/${t.metadata.name}-${podName}`).join(',') || undefined;
      for (const pod of ownPods) {
        const stateDir = stateOf(pod.metadata.name);
        found.push({ app: appName, version, instance: pod.metadata.name, state: podState(pod), live: isLive, ...(stateDir ? { stateDir } : {}) });
      }
      const withPod = new Set(ownPods.map((p) => p.metadata.name));
      const kept = new Set(ownClaims.map((c) => `${set.metadata.name}-${claimOrdinal(set, c.metadata.name)}`));
      for (const podName of [...kept].filter((p) => !withPod.has(p)).sort()) {
        found.push({ app: appName, version, instance: podName, state: 'stopped', live: isLive, stateDir: stateOf(podName) ?? podName });
      }
      if (ownPods.length === 0 && kept.size === 0) found.push({ app: appName, version, instance: set.metadata.name, state: 'stopped', live: isLive });
    }
    return found.sort((a, b) => a.app.localeCompare(b.app) || a.version - b.version || a.instance.localeCompare(b.instance));
  }

  async liveVersion(app: string): Promise<number | undefined> {
    const value = (await this.clientService(app))?.spec.selector?.[VERSION_LABEL];
    return value !== undefined && /^\d{1,7}$/.test(value) ? Number(value) : undefined;
  }

  async start(app: string, version: number, options: StartOptions = {}): Promise<void> {
    const sets = await this.statefulSets(app);
    const existing = sets.find((s) => versionOf(s) === version);
    if (existing) {
      const remembered = Number(existing.metadata.annotations?.[REPLICAS_ANNOTATION] ?? NaN);
      const replicas = options.replicas ?? (existing.spec.replicas ? existing.spec.replicas : Number.isInteger(remembered) && remembered > 0 ? remembered : 1);
      const patch: { metadata: object; spec: Record<string, unknown> } = { metadata: { annotations: { [REPLICAS_ANNOTATION]: null } }, spec: { replicas } };
      if (options.env) patch.spec.template = { spec: { containers: existing.spec.template.spec.containers.map((c) => withVersionEnv(c, version, undefined, undefined, options.env)) } };
      if (existing.spec.replicas !== replicas || options.env || existing.metadata.annotations?.[REPLICAS_ANNOTATION] !== undefined) await this.api.mergePatch(KINDS.statefulSet, existing.metadata.name, patch);
      await this.awaitPods(existing.metadata.name, replicas);
      return;
    }
    const live = await this.liveVersion(app);
    const template = sets.find((s) => versionOf(s) === live) ?? [...sets].sort((a, b) => (versionOf(b) ?? 0) - (versionOf(a) ?? 0))[0];
    const from = template ? versionOf(template) : undefined;
    if (!template || from === undefined) throw new Error(`no StatefulSet of ${app} (label ${NAME_LABEL}=${app}, ${VERSION_LABEL}) in namespace ${this.api.namespace} to create v${version} from — install the chart first`);
    const replicas = options.replicas ?? (template.spec.replicas || Number(template.metadata.annotations?.[REPLICAS_ANNOTATION] ?? 1) || 1);
    const set = cloneStatefulSet(template, from, version, { replicas, ...(options.env ? { env: options.env } : {}) });
    if (template.spec.serviceName) {
      const headless = await this.api.get<Service>(KINDS.service, template.spec.serviceName);
      if (headless) await this.createIfMissing(KINDS.service, cloneService(headless, from, version));
    }
    const pdb = await this.api.get<PodDisruptionBudget>(KINDS.pdb, template.metadata.name);
    if (pdb) await this.createIfMissing(KINDS.pdb, clonePdb(pdb, from, version));
    await this.createIfMissing(KINDS.statefulSet, set);
    await this.awaitPods(set.metadata.name, replicas);
  }

  async stop(app: string, version: number): Promise<void> {
    const sets = await this.statefulSets(app);
    const set = sets.find((s) => versionOf(s) === version);
    if (!set) return;
    if ((await this.liveVersion(app)) === version) {
      const others = sets.filter((s) => versionOf(s) !== version && (s.spec.replicas ?? 0) > 0);
      if (others.length > 0) throw new Error(`${app} v${version} is the live version while ${others.map((s) => `v${versionOf(s)}`).join(', ')} run${others.length === 1 ? 's' : ''} — route to another version first (app rollback / app reprocess)`);
    }
    if ((set.spec.replicas ?? 0) > 0) {
      await this.api.mergePatch(KINDS.statefulSet, set.metadata.name, { metadata: { annotations: { [REPLICAS_ANNOTATION]: String(set.spec.replicas) } }, spec: { replicas: 0 } });
    }
    await this.until(`the pods of ${set.metadata.name} are gone`, async () => (await this.api.list<Pod>(KINDS.pod, selector(set.spec.selector.matchLabels ?? {}))).length === 0);
  }

  async route(app: string, version: number): Promise<void> {
    const service = await this.clientService(app);
    if (!service) throw new Error(`no client Service of ${app} (labels ${NAME_LABEL}=${app}, no ${VERSION_LABEL}) in namespace ${this.api.namespace}`);
    if (service.spec.selector?.[VERSION_LABEL] === String(version)) return;
    const set = (await this.statefulSets(app)).find((s) => versionOf(s) === version);
    if (!set || (set.status?.readyReplicas ?? 0) === 0) throw new Error(`${app} v${version} has no ready pod — start it before routing to it`);
    await this.api.mergePatch(KINDS.service, service.metadata.name, { metadata: { annotations: { [LIVE_VERSION_ANNOTATION]: String(version) } }, spec: { selector: { [VERSION_LABEL]: String(version) } } });
  }

  async wipeState(app: string, version: number): Promise<string[]> {
    const set = (await this.statefulSets(app)).find((s) => versionOf(s) === version);
    const labels = set?.spec.selector.matchLabels ?? { ...this.baseLabels(app), [VERSION_LABEL]: String(version) };
    const pods = await this.api.list<Pod>(KINDS.pod, selector(labels));
    if (pods.length > 0) throw new Error(`${app} v${version} still has pods (${pods.map((p) => p.metadata.name).join(', ')}) — stop it before wiping its state`);
    const claims = (await this.api.list<PersistentVolumeClaim>(KINDS.pvc, selector(labels))).filter((c) => !set || claimOrdinal(set, c.metadata.name) !== undefined);
    for (const claim of claims) await this.api.delete(KINDS.pvc, claim.metadata.name);
    const names = new Set(claims.map((c) => c.metadata.name));
    await this.until(`the claims of ${app} v${version} are deleted`, async () => !(await this.api.list<PersistentVolumeClaim>(KINDS.pvc, selector(labels))).some((c) => names.has(c.metadata.name)));
    return [...names].sort().map((n) => `persistentvolumeclaim/${n}`);
  }

  async close(): Promise<void> {
    await this.api.close();
  }

  /** The app's versioned StatefulSets (of one release: refuses to guess between several). */
  private async statefulSets(app?: string): Promise<StatefulSet[]> {
    const sets = (await this.api.list<StatefulSet>(KINDS.statefulSet, this.baseSelector(app))).filter((s) => versionOf(s) !== undefined);
    if (!this.options.release) {
      const releases = new Set(sets.map((s) => s.metadata.labels?.[INSTANCE_LABEL]));
      if (releases.size > 1) throw new Error(`StatefulSets of ${[...releases].join(', ')} share namespace ${this.api.namespace} — set KUBE_RELEASE to the one to operate on`);
    }
    return sets;
  }

  /** The app's client Service: its labels name the app and release but no version (the headless Services carry one). */
  private async clientService(app: string): Promise<Service | undefined> {
    const services = await this.api.list<Service>(KINDS.service, `${this.baseSelector(app, false)},!${VERSION_LABEL}`);
    const withSelector = services.filter((s) => s.spec.selector?.[VERSION_LABEL] !== undefined);
    if (withSelector.length > 1) throw new Error(`several client Services of ${app} (${withSelector.map((s) => s.metadata.name).join(', ')}) — set KUBE_RELEASE`);
    return withSelector[0];
  }

  private baseLabels(app?: string): Record<string, string> {
    return { ...(app ? { [NAME_LABEL]: app } : {}), ...(this.options.release ? { [INSTANCE_LABEL]: this.options.release } : {}) };
  }

  private baseSelector(app?: string, versioned = true): string {
    return [PART_OF, selector(this.baseLabels(app)), versioned ? VERSION_LABEL : ''].filter(Boolean).join(',');
  }

  private async createIfMissing(kind: (typeof KINDS)[keyof typeof KINDS], object: StatefulSet | Service | PodDisruptionBudget): Promise<void> {
    try {
      await this.api.create(kind, object);
    } catch (error) {
      if (!(error instanceof KubeApiError && error.status === 409)) throw error;
      // Idempotent: an object of the same version is there already (an earlier start that was interrupted).
      const current = await this.api.get(kind, object.metadata.name);
      if (!current || versionOf(current) !== versionOf(object)) throw error;
    }
  }

  /** Until the StatefulSet controller has seen the spec and created `replicas` pods. */
  private async awaitPods(name: string, replicas: number): Promise<void> {
    await this.until(`${name} has ${replicas} pod(s)`, async () => {
      const set = await this.api.get<StatefulSet>(KINDS.statefulSet, name);
      return set !== undefined && (set.status?.observedGeneration ?? 0) >= (set.metadata.generation ?? 0) && (set.status?.replicas ?? 0) >= replicas;
    });
  }

  private async until(what: string, check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + this.options.timeoutMs;
    for (;;) {
      if (await check()) return;
      if (Date.now() > deadline) throw new Error(`kubernetes driver: timed out after ${Math.round(this.options.timeoutMs / 1000)} s waiting until ${what}`);
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
    }
  }
}

function matches(labels: Record<string, string> | undefined, wanted: Record<string, string> | undefined): boolean {
  return Object.entries(wanted ?? {}).every(([k, v]) => labels?.[k] === v);
}

/** The ordinal of a claim `<template>-<statefulset>-<n>` of this StatefulSet, or undefined for another's claim. */
function claimOrdinal(set: StatefulSet, claim: string): number | undefined {
  for (const template of set.spec.volumeClaimTemplates ?? []) {
    const prefix = `${template.metadata.name}-${set.metadata.name}-`;
    if (claim.startsWith(prefix) && /^\d{1,5}$/.test(claim.slice(prefix.length))) return Number(claim.slice(prefix.length));
  }
  return undefined;
}
