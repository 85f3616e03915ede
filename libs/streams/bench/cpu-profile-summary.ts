/**
 * A V8 CPU profile (`Profiler.stop()` of `node:inspector`, or a `.cpuprofile` of `node --cpu-prof`) summed
 * by where the time went: self time per area of the code (kafkajs' protocol codecs, the rest of
 * kafkajs, the engine's own clients, the rest of the engine, SQLite, Node's internals, GC...) and the
 * functions with the most self time. Used by `profile-case.ts`; run alone on a file:
 * `npx tsx libs/streams/bench/cpu-profile-summary.ts /tmp/prof/x.cpuprofile`.
 */
import * as fs from 'node:fs';

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

/** Areas in the order they are matched (first match wins). */
const AREAS: ReadonlyArray<readonly [string, (url: string, fn: string) => boolean]> = [
  ['idle', (_u, fn) => fn === '(idle)'],
  ['GC', (_u, fn) => fn === '(garbage collector)'],
  ['kafkajs protocol (encode/decode)', (u) => u.includes('/kafkajs/src/protocol/')],
  ['kafkajs (consumer, producer, network)', (u) => u.includes('/kafkajs/')],
  ['engine clients (lean fetch/produce, record batches)', (u) => /\/libs\/streams\/src\/internals\/(client|fetch|compression)\//.test(u)],
  ['engine state stores', (u) => u.includes('/libs/streams/src/internals/state/') || u.includes('/libs/streams/src/state/')],
  ['engine runtime (tasks, processing, commits)', (u) => u.includes('/libs/streams/src/')],
  ['SQLite (better-sqlite3)', (u) => u.includes('/better-sqlite3/')],
  ['bench (generator, admin polling)', (u) => u.includes('/libs/streams/bench/')],
  ['other packages', (u) => u.includes('/node_modules/')],
  ['Node internals (streams, sockets, buffers, timers)', (u) => u.startsWith('node:')],
  ['native and VM (program, builtins)', () => true],
];

export interface ProfileSummary {
  /** Sampled time in ms (idle included). */
  totalMs: number;
  /** Busy time in ms: everything but idle. */
  busyMs: number;
  areas: Array<{ area: string; ms: number; busyShare: number }>;
  top: Array<{ fn: string; where: string; ms: number; busyShare: number }>;
}

function areaOf(url: string, fn: string): string {
  for (const [area, match] of AREAS) if (match(url, fn)) return area;
  return 'native and VM (program, builtins)';
}

/** Shortens a file URL to the part a reader recognises (from `node_modules/` or `libs/` on). */
function where(url: string, line: number): string {
  if (!url) return '(native)';
  const cut = url.search(/node_modules\/|libs\/|apps\//);
  const short = cut >= 0 ? url.slice(cut).replace(/^node_modules\//, '') : url.replace(/^file:\/\//, '');
  return `${short}:${line + 1}`;
}

export function summarizeProfile(profile: CpuProfile, topN = 15): ProfileSummary {
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const selfUs = new Map<number, number>();
  for (let i = 0; i < samples.length; i++) selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + (deltas[i] ?? 0));
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, { fn: string; where: string; us: number }>();
  let totalUs = 0;
  let idleUs = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (us === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const area = areaOf(url, functionName);
    totalUs += us;
    if (area === 'idle') {
      idleUs += us;
      continue;
    }
    byArea.set(area, (byArea.get(area) ?? 0) + us);
    const fnKey = `${functionName}@${url}:${lineNumber}`;
    const entry = byFunction.get(fnKey) ?? { fn: functionName || '(anonymous)', where: where(url, lineNumber), us: 0 };
    entry.us += us;
    byFunction.set(fnKey, entry);
  }
  const busyUs = Math.max(totalUs - idleUs, 1);
  const ms = (us: number) => Math.round(us / 1000);
  const share = (us: number) => Math.round((us / busyUs) * 1000) / 10;
  return {
    totalMs: ms(totalUs),
    busyMs: ms(busyUs),
    areas: [...byArea].sort((a, b) => b[1] - a[1]).map(([area, us]) => ({ area, ms: ms(us), busyShare: share(us) })),
    top: [...byFunction.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, topN)
      .map((f) => ({ fn: f.fn, where: f.where, ms: ms(f.us), busyShare: share(f.us) })),
  };
}

export function printSummary(title: string, summary: ProfileSummary): void {
  console.log(`\n${title}: ${summary.busyMs} ms busy of ${summary.totalMs} ms sampled (main thread)`);
  console.table(summary.areas.map((a) => ({ area: a.area, 'self ms': a.ms, '% of busy': a.busyShare })));
  console.table(summary.top.map((f) => ({ function: f.fn, where: f.where, 'self ms': f.ms, '% of busy': f.busyShare })));
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: cpu-profile-summary.ts <file.cpuprofile>');
  printSummary(file, summarizeProfile(JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile));
}
