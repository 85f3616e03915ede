import type { Admin } from 'kafkajs';
import type { CliContext } from '../context';
import type { PlatformDriver } from '../drivers/driver';
import { refused } from '../exit-codes';
import { internalTopicsOf, type AppVersionRef } from '../kafka/app-names';
import { describeGroup, waitForEmptyGroup, type GroupMember } from '../kafka/groups';
import { inputTopicsOf } from '../kafka/inputs';
import { deleteTopicsAndWait } from '../kafka/delete-topics';
import { applyMoves, describeTarget, planMoves, type OffsetMove, type OffsetTarget } from '../kafka/offsets';
import { waitForRunning } from './wait-running';

/** What `app reset` will do, printed before it does it (and all `--dry-run` does). */
export interface ResetPlan {
  readonly app: string;
  readonly version: number;
  readonly group: string;
  readonly driver: string;
  readonly target: string;
  /** Live members of the group now; with `--force` they are stopped through the driver first. */
  readonly members: readonly GroupMember[];
  readonly stopFirst: boolean;
  /** Input topics: the group's committed and currently assigned topics that are not its own internal topics, plus `--input`. */
  readonly inputs: readonly string[];
  readonly moves: readonly OffsetMove[];
  /** The version's changelog and repartition topics, deleted (the app recreates them empty). */
  readonly deleteTopics: readonly string[];
  /** Where each instance's local state is, wiped through the driver. */
  readonly wipe: readonly string[];
  /** Restart the instances that `--force` stopped, once the reset is done. */
  readonly restartAfter: boolean;
}

export interface ResetOptions {
  readonly target: OffsetTarget;
  readonly force: boolean;
  /** Input topics to reset in addition to the ones the group has committed on. */
  readonly extraInputs?: readonly string[];
  readonly restart: boolean;
}

/** Reads the cluster and the driver and returns the plan; refuses (exit 5) with live members and no `force`. */
export async function planReset(admin: Admin, driver: PlatformDriver, ref: AppVersionRef, options: ResetOptions, dryRun = false): Promise<ResetPlan> {
  const group = await describeGroup(admin, ref.key);
  if (group.members.length > 0 && !options.force && !dryRun) {
    throw refused(`${ref.key} has ${group.members.length} live member(s) (${group.members.map((m) => m.endpoint ?? m.host).join(', ')}) — stop the app first, or pass --force to stop it through the ${driver.name} driver`);
  }
  const topics = await admin.listTopics();
  const internal = internalTopicsOf(ref, topics);
  const inputs = [...new Set([...(await inputTopicsOf(admin, ref, group, topics)), ...(options.extraInputs ?? [])])].sort();
  const moves: OffsetMove[] = [];
  for (const topic of inputs) moves.push(...(await planMoves(admin, ref.key, topic, options.target)));
  const instances = (await driver.instances(ref.app)).filter((i) => i.version === ref.version);
  const wipe = instances.map((i) => (i.stateDir ? `${i.instance}: ${i.stateDir}/${ref.key}` : `${i.instance}: local state of ${ref.key}`));
  return {
    app: ref.app,
    version: ref.version,
    group: ref.key,
    driver: driver.name,
    target: describeTarget(options.target),
    members: group.members,
    stopFirst: group.members.length > 0 || instances.some((i) => i.state === 'running' || i.state === 'starting'),
    inputs,
    moves,
    deleteTopics: internal,
    wipe: wipe.length > 0 ? wipe : [`every instance's ${ref.key} state (none known to the ${driver.name} driver)`],
    restartAfter: options.restart && instances.some((i) => i.state === 'running' || i.state === 'starting'),
  };
}

/** Carries out the plan in order: stop, wait for an empty group, move input offsets, delete internal topics, wipe state, restart and wait until it serves. */
export async function executeReset(ctx: CliContext, admin: Admin, driver: PlatformDriver, ref: AppVersionRef, plan: ResetPlan): Promise<{ wiped: string[]; deletedTopics: string[]; stepMs: Record<string, number> }> {
  const steps = 5;
  const bar = ctx.out.progress(`reset ${ref.key}`, steps, 'steps');
  const stepMs: Record<string, number> = {};
  let last = Date.now();
  const lap = (step: string, done: number) => {
    const now = Date.now();
    stepMs[step] = now - last;
    last = now;
    bar.update(done);
  };
  try {
    if (plan.stopFirst) {
      ctx.out.note(`stopping ${ref.key} through the ${driver.name} driver`);
      await driver.stop(ref.app, ref.version);
    }
    await waitForEmptyGroup(admin, ref.key, ctx.config.timeoutMs, ctx.signal);
    lap('stop', 1);
    await applyMoves(admin, ref.key, plan.moves);
    lap('offsets', 2);
    if (plan.deleteTopics.length > 0) {
      await deleteTopicsAndWait(admin, plan.deleteTopics, ctx.config.timeoutMs);
    }
    lap('deleteTopics', 3);
    const wiped = await driver.wipeState(ref.app, ref.version);
    lap('wipe', 4);
    if (plan.restartAfter) {
      ctx.out.note(`starting ${ref.key} again`);
      await driver.start(ref.app, ref.version);
      await waitForRunning(driver, ref.app, ref.version, ctx.config.timeoutMs, ctx.signal);
    }
    lap('restart', 5);
    return { wiped, deletedTopics: [...plan.deleteTopics], stepMs };
  } finally {
    bar.stop();
  }
}

export function renderResetPlan(plan: ResetPlan): string {
  const lines = [
    `Reset plan for ${plan.app} v${plan.version} (group ${plan.group}, ${plan.driver} driver)`,
    plan.members.length > 0 ? `  1. stop ${plan.members.length} live member(s): ${plan.members.map((m) => m.endpoint ?? `${m.clientId}@${m.host}`).join(', ')}` : plan.stopFirst ? '  1. stop the running instances' : '  1. no live members: nothing to stop',
    `  2. move input offsets to ${plan.target}:`,
    ...(plan.moves.length > 0 ? plan.moves.map((m) => `       ${m.topic}[${m.partition}]  ${m.from ?? '-'} -> ${m.to}`) : ['       (the group has committed no input offsets)']),
    `  3. delete internal topics:`,
    ...(plan.deleteTopics.length > 0 ? plan.deleteTopics.map((t) => `       ${t}`) : ['       (none)']),
    '  4. wipe local state:',
    ...plan.wipe.map((w) => `       ${w}`),
    plan.restartAfter ? '  5. start the stopped instances again (they rebuild state from the inputs)' : '  5. leave the app stopped',
    '  Output topics are never touched.',
  ];
  return lines.join('\n');
}
