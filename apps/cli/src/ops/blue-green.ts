import type { Admin } from 'kafkajs';
import type { CliContext } from '../context';
import type { AppInstance, PlatformDriver } from '../drivers/driver';
import { CliError, EXIT, notFound, refused } from '../exit-codes';
import { appVersion, dlqTopicOf, internalTopicsOf, type AppVersionRef } from '../kafka/app-names';
import { deleteTopicsAndWait } from '../kafka/delete-topics';
import { describeGroup, waitForEmptyGroup } from '../kafka/groups';
import { inputTopicsOf } from '../kafka/inputs';
import { groupLag, totals } from '../kafka/offsets';
import { handOff, pinSender, sendEpochsTopic, soleSender } from '../kafka/send-epochs';

export interface ReprocessOptions {
  /** The version serving now (default: the driver's live version). */
  readonly from?: number;
  /** The new version (default from + 1); it must not exist yet. */
  readonly to?: number;
  /** Switch once the new version's total lag on its inputs is at most this. */
  readonly maxLag: number;
  /** How long the old version keeps running after the switch before it is retired. */
  readonly graceMs: number;
  readonly keepOld: boolean;
  /** Longest catch-up before giving up (the new version is left running, traffic stays on the old one). */
  readonly catchUpTimeoutMs: number;
  /** Extra environment for the new version's instances. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface ReprocessResult {
  readonly app: string;
  readonly from: number;
  readonly to: number;
  readonly inputs: readonly string[];
  /** Records of the inputs the new version read during catch-up, and how long it took. */
  readonly records: number;
  readonly catchUpMs: number;
  readonly lagAtSwitch: number;
  readonly retired: boolean;
  readonly deletedTopics: readonly string[];
  readonly wiped: readonly string[];
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * Blue/green reprocessing: starts version `to` beside the live version `from` (its own group, internal
 * topics and state, so it reads every input from the beginning), shows catch-up progress, routes client
 * traffic to it once its instances are ready and its lag is at most `maxLag` (until then `from` serves
 * everything), then after `graceMs` retires `from`: stops it, deletes its group and internal topics, wipes its
 * state. With `keepOld`, `from` keeps running and `app rollback` can route back to it.
 */
export async function reprocess(ctx: CliContext, admin: Admin, driver: PlatformDriver, app: string, options: ReprocessOptions): Promise<ReprocessResult> {
  const ns = ctx.config.topicsNamespace;
  const fromVersion = options.from ?? (await driver.liveVersion(app));
  if (fromVersion === undefined) throw notFound(`${app} has no live version in the ${driver.name} driver — pass --from-version`);
  const from = appVersion(app, fromVersion, ns);
  const to = appVersion(app, options.to ?? fromVersion + 1, ns);
  const topics = await admin.listTopics();
  const fromGroup = await describeGroup(admin, from.key);
  const inputs = await inputTopicsOf(admin, from, fromGroup, topics);
  if (inputs.length === 0) throw notFound(`${from.key} has no input topics (no committed or assigned partitions) — is it running?`);
  const leftovers = [...internalTopicsOf(to, topics), ...((await admin.fetchOffsets({ groupId: to.key })).length > 0 ? [`group ${to.key}`] : [])];
  if (leftovers.length > 0 || (await driver.instances(app)).some((i) => i.version === to.version && i.state === 'running')) {
    throw refused(`${to.key} exists already (${leftovers.join(', ') || 'running'}) — reset it (npm run cli -- app reset ${app} --version ${to.version} --force) or pass --to-version`);
  }

  const control = sendEpochsTopic(ns);
  // Side effects (provider sends, webhook calls): v<from> keeps performing them until the handoff; v<to> sends nothing before.
  await pinSender(ctx.kafka, admin, control, from.applicationId, from.version);
  ctx.out.note(`starting ${to.key} beside ${from.key}; it reads ${inputs.join(', ')} from the beginning`);
  const started = Date.now();
  await driver.start(app, to.version, options.env ? { env: options.env } : {});
  const lagAtSwitch = await awaitCatchUp(ctx, admin, driver, to, inputs, options);
  const catchUpMs = Date.now() - started;
  const records = totals(await groupLag(admin, to.key, inputs)).records;

  ctx.out.note(`switching traffic for ${app} to v${to.version} (lag ${lagAtSwitch})`);
  await driver.route(app, to.version);
  const handoffAt = await handOff(ctx.kafka, admin, control, from.applicationId, to.version);
  ctx.out.note(`v${to.version} performs the side effects of records from ${new Date(handoffAt).toISOString()} on`);
  if (options.keepOld) return { app, from: from.version, to: to.version, inputs, records, catchUpMs, lagAtSwitch, retired: false, deletedTopics: [], wiped: [] };

  if (options.graceMs > 0) {
    ctx.out.note(`v${from.version} keeps running for ${Math.round(options.graceMs / 1000)} s (app rollback ${app} returns to it meanwhile)`);
    await sleep(options.graceMs, ctx.signal);
  }
  if (ctx.signal.aborted) throw new CliError(`interrupted during the grace period: traffic is on v${to.version}, v${from.version} still runs`, EXIT.interrupted);
  if ((await driver.liveVersion(app)) !== to.version) throw refused(`traffic for ${app} is no longer on v${to.version} (a rollback?) — v${from.version} is not retired`);
  const retired = await retire(ctx, admin, driver, from);
  await soleSender(ctx.kafka, admin, control, from.applicationId, to.version);
  return { app, from: from.version, to: to.version, inputs, records, catchUpMs, lagAtSwitch, retired: true, ...retired };
}

/** Polls the new version's lag on the inputs (progress bar with ETA) until ready and caught up; resolves the lag at that moment. */
async function awaitCatchUp(ctx: CliContext, admin: Admin, driver: PlatformDriver, ref: AppVersionRef, inputs: readonly string[], options: ReprocessOptions): Promise<number> {
  const deadline = Date.now() + options.catchUpTimeoutMs;
  const first = totals(await groupLag(admin, ref.key, inputs));
  const bar = ctx.out.progress(`catch-up ${ref.key}`, first.records);
  try {
    for (;;) {
      const now = totals(await groupLag(admin, ref.key, inputs));
      bar.setTotal(now.records);
      bar.update(now.records - now.lag);
      const group = await describeGroup(admin, ref.key);
      if (now.lag <= options.maxLag && group.state === 'Stable' && group.members.length > 0 && (await ready(driver, ref))) return now.lag;
      if (Date.now() > deadline) throw new CliError(`${ref.key} did not catch up within ${Math.round(options.catchUpTimeoutMs / 1000)} s (lag ${now.lag}, group ${group.state}) — traffic stays on the old version; ${ref.key} is left running`, EXIT.failed);
      if (ctx.signal.aborted) throw new CliError(`interrupted during catch-up: traffic stays on the old version; ${ref.key} is left running`, EXIT.interrupted);
      await sleep(500, ctx.signal);
    }
  } finally {
    bar.stop();
  }
}

/** Every instance of the version with a URL answers /health/ready with 200 (instances without one count as ready). */
async function ready(driver: PlatformDriver, ref: AppVersionRef): Promise<boolean> {
  const instances: AppInstance[] = (await driver.instances(ref.app)).filter((i) => i.version === ref.version);
  if (instances.length === 0 || instances.some((i) => i.state !== 'running')) return false;
  for (const instance of instances) {
    if (!instance.url) continue;
    try {
      if (!(await fetch(`${instance.url}/health/ready`, { signal: AbortSignal.timeout(2000) })).ok) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** Stops a version, deletes its group and internal topics (its dead-letter topic stays, for inspection) and wipes its state. */
export async function retire(ctx: CliContext, admin: Admin, driver: PlatformDriver, ref: AppVersionRef): Promise<{ deletedTopics: string[]; wiped: string[] }> {
  ctx.out.note(`retiring ${ref.key}: stop, delete group and internal topics, wipe state`);
  await driver.stop(ref.app, ref.version);
  await waitForEmptyGroup(admin, ref.key, ctx.config.timeoutMs, ctx.signal);
  await admin.deleteGroups([ref.key]).catch((error: unknown) => {
    if (!/GROUP_ID_NOT_FOUND|does not exist/i.test(String((error as Error).message))) throw error;
  });
  const internal = internalTopicsOf(ref, (await admin.listTopics()).filter((t) => t !== dlqTopicOf(ref)));
  await deleteTopicsAndWait(admin, internal, ctx.config.timeoutMs);
  const wiped = await driver.wipeState(ref.app, ref.version);
  return { deletedTopics: internal, wiped };
}

export interface RollbackResult {
  readonly app: string;
  readonly from: number;
  readonly to: number;
  readonly restarted: boolean;
}

/**
 * Routes traffic back to an older version that still exists (kept with --keep-old, or within the grace
 * period): started again when stopped (its state and group are intact, so it only catches up on what it
 * missed), routed once ready and caught up. The newer version keeps running unless `stopCurrent`.
 */
export async function rollback(ctx: CliContext, admin: Admin, driver: PlatformDriver, app: string, toVersion: number | undefined, options: { maxLag: number; catchUpTimeoutMs: number; stopCurrent: boolean }): Promise<RollbackResult> {
  const ns = ctx.config.topicsNamespace;
  const live = await driver.liveVersion(app);
  if (live === undefined) throw notFound(`${app} has no live version in the ${driver.name} driver`);
  const instances = await driver.instances(app);
  const candidates = [...new Set(instances.map((i) => i.version))].filter((v) => v !== live && (toVersion === undefined ? v < live : v === toVersion)).sort((a, b) => b - a);
  const target = candidates[0];
  if (target === undefined) throw notFound(`no ${toVersion === undefined ? 'older ' : ''}version${toVersion === undefined ? '' : ` ${toVersion}`} of ${app} to roll back to (retired already? start it with app reprocess)`);
  const ref = appVersion(app, target, ns);
  const topics = await admin.listTopics();
  if ((await admin.fetchOffsets({ groupId: ref.key })).length === 0 && internalTopicsOf(ref, topics).length === 0) throw notFound(`${ref.key} has no group or state left — it was retired`);
  const restarted = !instances.some((i) => i.version === target && i.state === 'running');
  if (restarted) await driver.start(app, target);
  const liveRef = appVersion(app, live, ns);
  const inputs = await inputTopicsOf(admin, liveRef, await describeGroup(admin, liveRef.key), topics);
  await awaitCatchUp(ctx, admin, driver, ref, inputs, { maxLag: options.maxLag, catchUpTimeoutMs: options.catchUpTimeoutMs, graceMs: 0, keepOld: true });
  await driver.route(app, target);
  const control = sendEpochsTopic(ns);
  await handOff(ctx.kafka, admin, control, ref.applicationId, target);
  if (options.stopCurrent) {
    await driver.stop(app, live);
    await soleSender(ctx.kafka, admin, control, ref.applicationId, target);
  }
  return { app, from: live, to: target, restarted };
}
