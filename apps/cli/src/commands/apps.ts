import { DriverUnavailableError, type PlatformDriver } from '../drivers/driver';
import { inspectApps, type AppVersionStatus } from '../kafka/apps-inspect';
import { table } from '../output/output';
import type { CliContext } from '../context';
import type { Command } from './command';

/** The driver when one answers; inspection works without it (no live/instance columns). */
export async function optionalDriver(ctx: CliContext): Promise<PlatformDriver | undefined> {
  try {
    return await ctx.driver();
  } catch (error) {
    if (!(error instanceof DriverUnavailableError)) throw error;
    ctx.out.note(`note: ${error.message}`);
    return undefined;
  }
}

export const appsCommand: Command = {
  path: ['apps'],
  summary: 'List the streams apps and their versions: live version, consumer group state, per-partition lag, owners, internal topics, instances.',
  args: ['<app>?'],
  options: {},
  help: ['Apps are found from consumer groups and internal topics named <applicationId>-v<version>, and from the driver.', 'Without a running driver (npm start) the "live" column is empty.'],
  async run(ctx, _values, [app]) {
    const admin = await ctx.admin();
    const driver = await optionalDriver(ctx);
    const apps = await inspectApps(admin, ctx.config.topicsNamespace, driver, app);
    ctx.out.result({ apps }, ({ apps: list }) => renderApps(list));
  },
};

export function renderApps(apps: readonly AppVersionStatus[]): string {
  if (apps.length === 0) return 'no streams apps found (no <app>-v<N> consumer groups or internal topics)';
  const blocks = apps.map((a) => {
    const head = `${a.app} v${a.version}${a.live ? '  (live)' : ''}  group ${a.group}  ${a.groupState}  lag ${a.lag}  members ${a.members.length}`;
    const owners = new Map<string, string>();
    for (const m of a.members) for (const tp of m.partitions) for (const p of tp.partitions) owners.set(`${tp.topic}:${p}`, m.endpoint ?? m.host);
    const rows = a.partitions.map((p) => [p.topic, String(p.partition), p.committed === null ? '-' : String(p.committed), String(p.high), String(p.lag), owners.get(`${p.topic}:${p.partition}`) ?? '-']);
    const instances = a.instances.map((i) => `    instance ${i.instance} ${i.state}${i.url ? ` ${i.url}` : ''}${i.pid ? ` pid ${i.pid}` : ''}`);
    const topics = a.internalTopics.length > 0 ? [`    internal topics: ${a.internalTopics.join(', ')}`] : [];
    const dlq = a.deadLetterTopic ? [`    dead-letter topic: ${a.deadLetterTopic}`] : [];
    return [head, ...instances, ...topics, ...dlq, indent(table(['topic', 'partition', 'committed', 'end', 'lag', 'owner'], rows))].join('\n');
  });
  return blocks.join('\n\n');
}

const indent = (text: string) => text.split('\n').map((l) => `    ${l}`).join('\n');
