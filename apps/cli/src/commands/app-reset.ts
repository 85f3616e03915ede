import { usageError } from '../exit-codes';
import { parseOffsetTarget } from '../kafka/offsets';
import { executeReset, planReset, renderResetPlan } from '../ops/reset';
import type { Command } from './command';
import { resolveVersion } from './app-version';
import { confirmPlan, planFlags } from './confirm';
import { flag, text } from './values';

const TOPIC = /^[\w.-]{1,249}$/;

export const appResetCommand: Command = {
  path: ['app', 'reset'],
  summary: "Reset an app version to reprocess its inputs: input offsets moved, internal topics (changelog, repartition) deleted, every instance's local state wiped. Output topics are never touched.",
  args: ['<app>'],
  options: { version: { type: 'string' }, to: { type: 'string' }, input: { type: 'string', multiple: true }, force: { type: 'boolean' }, 'no-restart': { type: 'boolean' }, ...planFlags },
  help: [
    '--version <n>   the version to reset (default: the live one, else the highest found)',
    '--to <where>    earliest (default) | latest | <ISO date-time> | duration:<15m|2h|1d> (back from now) | shift:<±n>',
    '--input <topic> also reset this input topic (repeatable; the group\'s committed topics are always included)',
    '--force         stop the live instances through the driver first (refused otherwise while the group has members: exit 5)',
    '--no-restart    leave the instances stopped afterwards (default: start again what --force stopped)',
    '--dry-run       print the plan only;  --yes  do not ask for confirmation',
  ],
  async run(ctx, values, [app]) {
    const target = parseOffsetTarget(text(values, 'to') ?? 'earliest', ctx.now());
    const extraInputs = (values.input as string[] | undefined) ?? [];
    const bad = extraInputs.find((t) => !TOPIC.test(t));
    if (bad !== undefined) throw usageError(`--input "${bad}" is not a topic name`);
    const admin = await ctx.admin();
    const driver = await ctx.driver();
    const ref = await resolveVersion(ctx, admin, driver, app as string, values);
    const dryRun = flag(values, 'dry-run');
    const plan = await planReset(admin, driver, ref, { target, force: flag(values, 'force'), extraInputs, restart: !flag(values, 'no-restart') }, dryRun);
    if (!ctx.out.json) ctx.out.note(renderResetPlan(plan));
    if (!(await confirmPlan(ctx, values, `reset ${ref.key}?`))) {
      ctx.out.result({ plan, applied: false }, () => 'dry run: nothing changed');
      return;
    }
    const done = await executeReset(ctx, admin, driver, ref, plan);
    ctx.out.result({ plan, applied: true, ...done }, () => `${ref.key} reset: ${plan.moves.length} offset(s) moved, ${done.deletedTopics.length} internal topic(s) deleted, ${done.wiped.length} state dir(s) wiped${plan.restartAfter ? ', started again' : ''}`);
  },
};
