import type { Container, KubeObject, ObjectMeta, PodDisruptionBudget, Service, StatefulSet } from './kube-api';

/** The label the chart puts on every object and pod of one app version (helm/charts/…/platform-lib/_names.tpl). */
export const VERSION_LABEL = 'kafka-chat-platform/version';
/** The client Service's annotation naming its live version (the chart sets it, the driver keeps it in step). */
export const LIVE_VERSION_ANNOTATION = 'kafka-chat-platform/live-version';
/** Replicas a StatefulSet had before the driver scaled it to zero, so `start` brings the same number back. */
export const REPLICAS_ANNOTATION = 'kafka-chat-platform/replicas-before-stop';
/** Set on objects the driver created by cloning another version's. */
export const CLONED_FROM_ANNOTATION = 'kafka-chat-platform/cloned-from';

/** Server-owned metadata and client-side apply leftovers that a new object must not carry over. */
function freshMeta(meta: ObjectMeta, name: string, from: number, to: number): ObjectMeta {
  const annotations = { ...(meta.annotations ?? {}) };
  delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
  delete annotations[REPLICAS_ANNOTATION];
  annotations[CLONED_FROM_ANNOTATION] = meta.name;
  // The helm ownership annotations (meta.helm.sh/release-*) and labels stay: a later `helm upgrade` whose
  // values list this version adopts the object instead of failing on "exists and cannot be imported".
  return { name, labels: relabel(meta.labels, from, to), annotations };
}

function relabel(labels: Record<string, string> | undefined, from: number, to: number): Record<string, string> {
  const copy = { ...(labels ?? {}) };
  if (copy[VERSION_LABEL] !== undefined && copy[VERSION_LABEL] !== String(from)) throw new Error(`labels say version ${copy[VERSION_LABEL]}, expected ${from}`);
  copy[VERSION_LABEL] = String(to);
  return copy;
}

/** `<prefix>-v<from>` → `<prefix>-v<to>` (also inside `<prefix>-v<from>-headless`); throws when the name does not carry the version. */
export function versionedName(name: string, from: number, to: number): string {
  const m = new RegExp(`^(.+)-v${from}(-[a-z0-9-]+)?$`).exec(name);
  if (!m) throw new Error(`${name} does not end with -v${from}: not a versioned object of the chart`);
  return `${m[1]}-v${to}${m[2] ?? ''}`;
}

/** The version a versioned object of the chart belongs to (its version label), or undefined. */
export function versionOf(object: KubeObject): number | undefined {
  const value = object.metadata.labels?.[VERSION_LABEL];
  return value !== undefined && /^\d{1,7}$/.test(value) ? Number(value) : undefined;
}

export interface CloneOptions {
  readonly replicas: number;
  /** Extra environment for the app container (StartOptions.env), set over the template's. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Version `to`'s StatefulSet from version `from`'s: new name, version label in metadata, selector, pod template
 * and claim templates (so its PVCs are its own), `APP_VERSION=to` (its own consumer group, internal topics and
 * state), `APPLICATION_SERVER` through its own headless Service, the given replicas and extra env. Everything
 * else (image, resources, probes, init containers, security context) is the template's.
 */
export function cloneStatefulSet(template: StatefulSet, from: number, to: number, options: CloneOptions): StatefulSet {
  const spec = structuredClone(template.spec);
  const headless = spec.serviceName ? versionedName(spec.serviceName, from, to) : undefined;
  spec.replicas = options.replicas;
  if (headless) spec.serviceName = headless;
  spec.selector = { ...spec.selector, matchLabels: relabel(spec.selector.matchLabels, from, to) };
  spec.template = {
    ...spec.template,
    metadata: { ...(spec.template.metadata ?? {}), labels: relabel(spec.template.metadata?.labels, from, to) },
    spec: { ...spec.template.spec, containers: spec.template.spec.containers.map((c) => withVersionEnv(c, to, template.spec.serviceName, headless, options.env)) },
  };
  spec.volumeClaimTemplates = spec.volumeClaimTemplates?.map((claim) => ({ ...claim, metadata: { ...claim.metadata, labels: relabel(claim.metadata.labels, from, to) } }));
  return { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: freshMeta(template.metadata, versionedName(template.metadata.name, from, to), from, to), spec };
}

/** The app container's env with APP_VERSION, APPLICATION_SERVER and the extra variables set (other containers unchanged but for the extra env). */
export function withVersionEnv(container: Container, version: number, oldHeadless: string | undefined, newHeadless: string | undefined, extra: Readonly<Record<string, string>> = {}): Container {
  const env = (container.env ?? []).map((e) => {
    if (e.name === 'APP_VERSION') return { name: e.name, value: String(version) };
    if (e.name === 'APPLICATION_SERVER' && e.value && oldHeadless && newHeadless) return { name: e.name, value: e.value.replace(`.${oldHeadless}.`, `.${newHeadless}.`) };
    return e;
  });
  const isApp = env.some((e) => e.name === 'APP_VERSION');
  if (!isApp) return container;
  for (const [name, value] of Object.entries(extra)) {
    const at = env.findIndex((e) => e.name === name);
    if (at >= 0) env[at] = { name, value };
    else env.push({ name, value });
  }
  return { ...container, env };
}

/** Version `to`'s headless Service from version `from`'s (selector on the new version; still headless). */
export function cloneService(template: Service, from: number, to: number): Service {
  const spec = structuredClone(template.spec);
  const headless = spec.clusterIP === 'None';
  delete spec.clusterIP;
  delete spec.clusterIPs;
  if (headless) spec.clusterIP = 'None';
  spec.selector = relabel(spec.selector, from, to);
  return { apiVersion: 'v1', kind: 'Service', metadata: freshMeta(template.metadata, versionedName(template.metadata.name, from, to), from, to), spec };
}

/** Version `to`'s PodDisruptionBudget from version `from`'s. */
export function clonePdb(template: PodDisruptionBudget, from: number, to: number): PodDisruptionBudget {
  const spec = structuredClone(template.spec);
  spec.selector = { ...spec.selector, matchLabels: relabel(spec.selector?.matchLabels, from, to) };
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: freshMeta(template.metadata, versionedName(template.metadata.name, from, to), from, to), spec };
}
