import { usageError } from '../exit-codes';
import { reprocess, rollback } from '../ops/blue-green';
import type { Command, Values } from './command';
import { confirmPlan, planFlags } from './confirm';
import { flag, integer, parseDuration, text } from './values';

function durationFlag(values: Values, name: string, fallbackMs: number): number {
  const raw = text(values, name);
  if (raw === undefined) return fallbackMs;
  const ms = parseDuration(raw);
  if (ms === undefined) throw usageError(`--${name} must be a duration like 30s, 5m, 1h, not "${raw}"`);
  return ms;
}

export const appReprocessCommand: Command = {
  path: ['app', 'reprocess'],
  summary: 'Blue/green reprocessing: start version N+1 beside the live version N, follow its catch-up, switch traffic when it is ready and caught up, retire N after a grace period.',
  args: ['<app>'],
  options: { 'from-version': { type: 'string' }, 'to-version': { type: 'string' }, 'max-lag': { type: 'string' }, grace: { type: 'string' }, timeout: { type: 'string' }, 'keep-old': { type: 'boolean' }, ...planFlags },
  help: [
    '--from-version <n>  the version serving now (default: the live one)',
    '--to-version <m>    the new version (default n+1; must not exist)',
    '--max-lag <k>       switch once the new version is at most k records behind on its inputs (default 100)',
    '--grace <d>         keep N running this long after the switch (default 60s), then stop it, delete its group and internal topics, wipe its state',
    '--keep-old          keep N running (and its state) after the switch: app rollback returns to it',
    '--timeout <d>       longest catch-up (default 30m); on timeout traffic stays on N and N+1 is left running (exit 1)',
    'N keeps serving every request until the switch. Side effects of N+1: see apps/cli/README.md.',
  ],
  async run(ctx, values, [app]) {
    const options = {
      ...(text(values, 'from-version') !== undefined ? { from: integer(values, 'from-version', 1, 1, 1_000_000) } : {}),
      ...(text(values, 'to-version') !== undefined ? { to: integer(values, 'to-version', 1, 1, 1_000_000) } : {}),
      maxLag: integer(values, 'max-lag', 100, 0, 1e12),
      graceMs: durationFlag(values, 'grace', 60_000),
      catchUpTimeoutMs: durationFlag(values, 'timeout', 30 * 60_000),
      keepOld: flag(values, 'keep-old'),
    };
    const driver = await ctx.driver();
    const live = options.from ?? (await driver.liveVersion(app as string));
    const plan = `reprocess ${app}: start v${options.to ?? (live ?? 0) + 1} beside v${live ?? '?'}, switch at lag <= ${options.maxLag}, ${options.keepOld ? 'keep the old version running' : `retire the old version ${Math.round(options.graceMs / 1000)} s after the switch`} (${driver.name} driver)`;
    if (!ctx.out.json) ctx.out.note(plan);
    if (!(await confirmPlan(ctx, values, `${plan}?`))) {
      ctx.out.result({ plan, applied: false }, () => 'dry run: nothing changed');
      return;
    }
    const result = await reprocess(ctx, await ctx.admin(), driver, app as string, options);
    ctx.out.result({ applied: true, ...result }, (r) => `${r.app}: v${r.to} live after reading ${r.records} input record(s) in ${(r.catchUpMs / 1000).toFixed(1)} s (lag ${r.lagAtSwitch} at the switch); ${r.retired ? `v${r.from} retired (${r.deletedTopics.length} internal topic(s) deleted, state wiped)` : `v${r.from} kept running (app rollback ${r.app} returns to it)`}`);
  },
};

export const appRollbackCommand: Command = {
  path: ['app', 'rollback'],
  summary: 'Route traffic back to the previous version while it still exists (kept with --keep-old, or within the grace period).',
  args: ['<app>'],
  options: { 'to-version': { type: 'string' }, 'max-lag': { type: 'string' }, timeout: { type: 'string' }, 'stop-current': { type: 'boolean' }, ...planFlags },
  help: ['--to-version <n>  the version to return to (default: the highest one below the live version)', '--max-lag <k>     route once it is at most k records behind (default 100)', '--stop-current     stop the version that was live (its state and group are kept)'],
  async run(ctx, values, [app]) {
    const driver = await ctx.driver();
    const toVersion = text(values, 'to-version') !== undefined ? integer(values, 'to-version', 1, 1, 1_000_000) : undefined;
    if (!(await confirmPlan(ctx, values, `roll ${app} back to ${toVersion === undefined ? 'the previous version' : `v${toVersion}`}?`))) {
      ctx.out.result({ applied: false }, () => 'dry run: nothing changed');
      return;
    }
    const result = await rollback(ctx, await ctx.admin(), driver, app as string, toVersion, { maxLag: integer(values, 'max-lag', 100, 0, 1e12), catchUpTimeoutMs: durationFlag(values, 'timeout', 30 * 60_000), stopCurrent: flag(values, 'stop-current') });
    ctx.out.result({ applied: true, ...result }, (r) => `${r.app}: traffic back on v${r.to} (from v${r.from})${r.restarted ? ', restarted from its kept state' : ''}`);
  },
};
