import type { Admin } from 'kafkajs';
import type { CliContext } from '../context';
import type { PlatformDriver } from '../drivers/driver';
import { notFound } from '../exit-codes';
import { appVersion, appVersionsIn, type AppVersionRef } from '../kafka/app-names';
import type { Values } from './command';
import { integer } from './values';

/**
 * The app version a command works on: `--version`, else the driver's live version, else the highest version
 * found in the cluster (groups, internal topics). Not found (exit 4) when there is none.
 */
export async function resolveVersion(ctx: CliContext, admin: Admin, driver: PlatformDriver | undefined, app: string, values: Values): Promise<AppVersionRef> {
  const given = integer(values, 'version', undefined, 1, 1_000_000);
  if (given !== undefined) return appVersion(app, given, ctx.config.topicsNamespace);
  appVersion(app, 1, ctx.config.topicsNamespace); // validates the name
  const live = driver ? await driver.liveVersion(app).catch(() => undefined) : undefined;
  if (live !== undefined) return appVersion(app, live, ctx.config.topicsNamespace);
  const [{ groups }, topics] = await Promise.all([admin.listGroups(), admin.listTopics()]);
  const versions = appVersionsIn(groups.map((g) => g.groupId), topics, ctx.config.topicsNamespace).filter((r) => r.app === app);
  const highest = versions[versions.length - 1];
  if (!highest) throw notFound(`no version of ${app} found (no ${app}-v<N> group or internal topics, no driver instance) — check the name, or pass --version`);
  return highest;
}
