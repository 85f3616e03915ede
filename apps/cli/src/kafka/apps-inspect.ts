import type { Admin } from 'kafkajs';
import type { AppInstance, PlatformDriver } from '../drivers/driver';
import { appVersionsIn, dlqTopicOf, internalTopicsOf, type AppVersionRef } from './app-names';
import { describeGroup, type GroupMember } from './groups';
import { groupLag, type PartitionLag } from './offsets';

/** One app version: its group's state, lag, owners, topics and, when the driver answers, its instances. */
export interface AppVersionStatus {
  readonly app: string;
  readonly version: number;
  readonly group: string;
  /** True when the driver routes client traffic to this version. */
  readonly live: boolean;
  readonly groupState: string;
  readonly members: readonly GroupMember[];
  readonly lag: number;
  readonly partitions: readonly PartitionLag[];
  readonly internalTopics: readonly string[];
  readonly deadLetterTopic: string | undefined;
  readonly instances: readonly AppInstance[];
}

/**
 * Every app version found in the cluster (consumer groups and internal topics named `<id>-v<N>`) and in
 * the driver, optionally only `app`'s. The driver is optional: without one, `live` is false everywhere.
 */
export async function inspectApps(admin: Admin, namespace: string | undefined, driver: PlatformDriver | undefined, app?: string): Promise<AppVersionStatus[]> {
  const [{ groups }, topics] = await Promise.all([admin.listGroups(), admin.listTopics()]);
  const instances = driver ? await driver.instances(app) : [];
  const refs = new Map(appVersionsIn(groups.map((g) => g.groupId), topics, namespace).map((r) => [r.key, r]));
  for (const instance of instances) {
    const key = `${namespace ? `${namespace}.` : ''}${instance.app}-v${instance.version}`;
    if (!refs.has(key)) refs.set(key, { app: instance.app, version: instance.version, applicationId: key.slice(0, key.lastIndexOf('-v')), key });
  }
  const live = new Map<string, number | undefined>();
  const result: AppVersionStatus[] = [];
  for (const ref of [...refs.values()].sort((a, b) => a.app.localeCompare(b.app) || a.version - b.version)) {
    if (app && ref.app !== app) continue;
    if (driver && !live.has(ref.app)) live.set(ref.app, await driver.liveVersion(ref.app));
    result.push(await inspectVersion(admin, ref, topics, instances, live.get(ref.app)));
  }
  return result;
}

async function inspectVersion(admin: Admin, ref: AppVersionRef, topics: readonly string[], instances: readonly AppInstance[], liveVersion: number | undefined): Promise<AppVersionStatus> {
  const group = await describeGroup(admin, ref.key);
  const internal = internalTopicsOf(ref, topics);
  const repartition = new Set(internal.filter((t) => t.endsWith('-repartition')));
  const committed = await groupLag(admin, ref.key);
  // Assigned topics the group has not committed on yet (nothing read so far) are shown with their log ends too.
  const assigned = [...new Set(group.members.flatMap((m) => m.partitions.map((p) => p.topic)))].filter((t) => !committed.some((c) => c.topic === t));
  const partitions = [...committed, ...(assigned.length > 0 ? await groupLag(admin, ref.key, assigned) : [])].filter((p) => !repartition.has(p.topic));
  const dlq = dlqTopicOf(ref);
  return {
    app: ref.app,
    version: ref.version,
    group: ref.key,
    live: liveVersion === ref.version,
    groupState: group.state,
    members: group.members,
    lag: partitions.reduce((sum, p) => sum + p.lag, 0),
    partitions,
    internalTopics: internal,
    deadLetterTopic: topics.includes(dlq) ? dlq : undefined,
    instances: instances.filter((i) => i.app === ref.app && i.version === ref.version),
  };
}
