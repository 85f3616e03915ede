import { applicationKey, deadLetterTopicName } from '@platform/streams';
import { usageError } from '../exit-codes';

/** An app version as Kafka sees it: `<applicationId>-v<version>` names its group, internal topics and DLQ. */
export interface AppVersionRef {
  /** Short app name (`communication`). */
  readonly app: string;
  readonly version: number;
  /** Streams application id: `<namespace>.<app>` under a topics namespace, else `<app>`. */
  readonly applicationId: string;
  /** `<applicationId>-v<version>`: the consumer group and the prefix of its internal topics. */
  readonly key: string;
}

/** App names: as the apps/ directories (lower-case, dashes); dots allowed for application ids seen without a configured namespace. */
const APP_NAME = /^[a-z0-9][a-z0-9._-]{0,199}$/;

export function appVersion(app: string, version: number, namespace: string | undefined): AppVersionRef {
  if (!APP_NAME.test(app)) throw usageError(`app name must be lower-case letters, digits, '.', '_' and '-', not "${app}"`);
  const applicationId = namespace ? `${namespace}.${app}` : app;
  return { app, version, applicationId, key: applicationKey({ id: applicationId, version }) };
}

/** Reads `<applicationId>-v<version>` back (a group id or a topic prefix) under `namespace`; undefined for other names. */
export function parseGroup(group: string, namespace: string | undefined): AppVersionRef | undefined {
  const m = /^(.+)-v(\d{1,7})$/.exec(group);
  if (!m) return undefined;
  const applicationId = m[1] as string;
  const app = namespace ? (applicationId.startsWith(`${namespace}.`) ? applicationId.slice(namespace.length + 1) : undefined) : applicationId;
  if (app === undefined || !APP_NAME.test(app)) return undefined;
  return { app, version: Number(m[2]), applicationId, key: group };
}

/** Internal topics (changelogs, repartition topics) of one app version, from a topic list. */
export function internalTopicsOf(ref: AppVersionRef, topics: readonly string[]): string[] {
  const prefix = `${ref.key}-`;
  return topics.filter((t) => t.startsWith(prefix) && (t.endsWith('-changelog') || t.endsWith('-repartition'))).sort();
}

export const dlqTopicOf = (ref: AppVersionRef) => deadLetterTopicName({ id: ref.applicationId, version: ref.version });

/** Every app version that has a group or internal topics, from the group and topic lists. */
export function appVersionsIn(groups: readonly string[], topics: readonly string[], namespace: string | undefined): AppVersionRef[] {
  const found = new Map<string, AppVersionRef>();
  for (const group of groups) {
    const ref = parseGroup(group, namespace);
    if (ref) found.set(ref.key, ref);
  }
  for (const topic of topics) {
    const m = /^(.+-v\d{1,7})-.+-(changelog|repartition)$/.exec(topic) ?? /^(.+-v\d{1,7})-dlq$/.exec(topic);
    const ref = m ? parseGroup(m[1] as string, namespace) : undefined;
    if (ref) found.set(ref.key, ref);
  }
  return [...found.values()].sort((a, b) => a.app.localeCompare(b.app) || a.version - b.version);
}
