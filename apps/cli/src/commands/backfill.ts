import { internalTopicName } from '@platform/streams';
import { refused, usageError } from '../exit-codes';
import { describeGroup, waitForEmptyGroup } from '../kafka/groups';
import { backfill, parseValueFormat, type BackfillResult } from '../ops/backfill';
import type { Command } from './command';
import { resolveVersion } from './app-version';
import { confirmPlan, planFlags } from './confirm';
import { flag, text } from './values';

const NAME = /^[\w.-]{1,200}$/;

export const backfillCommand: Command = {
  path: ['backfill'],
  summary: "Write records from a JSON Lines file into an app's store changelog (the app restores them into its store) or into a backfill input topic.",
  args: ['<app>?'],
  options: { store: { type: 'string' }, topic: { type: 'string' }, file: { type: 'string' }, version: { type: 'string' }, 'value-format': { type: 'string' }, force: { type: 'boolean' }, ...planFlags },
  help: [
    'backfill <app> --store <store> --file <f.jsonl>   into <applicationId>-v<version>-<store>-changelog',
    'backfill --topic <topic> --file <f.jsonl>          into an input (backfill) topic the app consumes',
    '--file <path>          JSON Lines: {"key": "k", "value": <JSON>, "partition"?: n} per line; "value": null writes a tombstone',
    '--value-format <f>     how values are encoded: json (default), string, int64, int32, number (the engine\'s serdes), avro:<Schema> (registry)',
    '--version <n>          app version (default: the live one, else the highest found)',
    '--force                changelog mode: stop the app version\'s live instances first and start them again after (refused otherwise: exit 5)',
    '--dry-run              validate the whole file and print the plan;  --yes  do not ask',
    'Keys go to the partition murmur2 gives them (the default producer partitioner, as the tasks) unless a line names one.',
    'A changelog backfill is read when the app restores the store: at its next start, it replays the changelog past its stored offset.',
  ],
  async run(ctx, values, [app]) {
    const file = text(values, 'file');
    if (!file) throw usageError('--file is required');
    const format = parseValueFormat(text(values, 'value-format') ?? 'json');
    const store = text(values, 'store');
    const topicFlag = text(values, 'topic');
    if ((app === undefined) === (topicFlag === undefined)) throw usageError('give either <app> --store <store> (changelog) or --topic <topic> (input topic)');
    if (app !== undefined && (!store || !NAME.test(store))) throw usageError('--store <store> is required with <app> (the store name, e.g. counts)');
    if (topicFlag !== undefined && (!NAME.test(topicFlag) || store !== undefined)) throw usageError('--topic takes a topic name, without --store');
    const admin = await ctx.admin();
    const dryRun = flag(values, 'dry-run');
    let stopped: { app: string; version: number } | undefined;
    let topic = topicFlag as string;
    let driver;
    if (app !== undefined) {
      driver = await ctx.driver();
      const ref = await resolveVersion(ctx, admin, driver, app, values);
      topic = internalTopicName({ id: ref.applicationId, version: ref.version }, store as string, 'changelog');
      const group = await describeGroup(admin, ref.key);
      if (group.members.length > 0 && !flag(values, 'force') && !dryRun) {
        throw refused(`${ref.key} has ${group.members.length} live member(s): a running task does not read its own changelog, so the backfill would not reach its store until a restart and could be overwritten — stop the app first, or pass --force to stop and restart it through the driver`);
      }
      ctx.out.note(`backfill ${file} -> ${topic} (${format})${group.members.length > 0 ? `; ${ref.key} stopped first and started again after (${group.members.length} live member(s))` : ''}`);
      const check = await backfill(ctx.kafka, admin, () => ctx.registry(), { topic, file, format, dryRun: true, progress: () => ctx.out.progress('', 0) });
      if (!(await confirmPlan(ctx, values, `write ${check.records} record(s) to ${topic}?`))) return report(ctx, check);
      if (group.members.length > 0) {
        await driver.stop(ref.app, ref.version);
        await waitForEmptyGroup(admin, ref.key, ctx.config.timeoutMs, ctx.signal);
        stopped = { app: ref.app, version: ref.version };
      }
    } else {
      ctx.out.note(`backfill ${file} -> ${topic} (${format})`);
      const check = await backfill(ctx.kafka, admin, () => ctx.registry(), { topic, file, format, dryRun: true, progress: () => ctx.out.progress('', 0) });
      if (!(await confirmPlan(ctx, values, `write ${check.records} record(s) to ${topic}?`))) return report(ctx, check);
    }
    try {
      const result = await backfill(ctx.kafka, admin, () => ctx.registry(), { topic, file, format, dryRun: false, progress: (total) => ctx.out.progress(`backfill ${topic}`, total), signal: ctx.signal });
      report(ctx, result);
    } finally {
      if (stopped && driver) {
        ctx.out.note(`starting ${stopped.app} v${stopped.version} again`);
        await driver.start(stopped.app, stopped.version);
      }
    }
  },
};

function report(ctx: Parameters<Command['run']>[0], result: BackfillResult): void {
  ctx.out.result(result, (r) => `${r.written ? 'wrote' : 'dry run: would write'} ${r.records} record(s) (${r.tombstones} tombstone(s)) to ${r.topic}${r.written ? ` in ${r.ms} ms` : ''}; per partition ${Object.entries(r.perPartition).map(([p, n]) => `${p}:${n}`).join(' ')}`);
}
