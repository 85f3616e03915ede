import { usageError } from '../exit-codes';
import { assertNoMembers, describeGroup } from '../kafka/groups';
import { applyMoves, groupLag, planMoves, type OffsetMove, type OffsetTarget } from '../kafka/offsets';
import { table } from '../output/output';
import type { Command } from './command';
import { confirmPlan, planFlags } from './confirm';
import { integer, text, timeFlag } from './values';

const GROUP = /^[\w.-]{1,249}$/;
const checkGroup = (group: string | undefined): string => {
  if (!group || !GROUP.test(group)) throw usageError(`group must be letters, digits, '.', '_' or '-' (1-249), not "${group ?? ''}"`);
  return group;
};

export const groupOffsetsCommand: Command = {
  path: ['group', 'offsets'],
  summary: "Show a consumer group's committed offsets, log ends and lag per partition, its state and members.",
  args: ['<group>'],
  options: {},
  help: [],
  async run(ctx, _values, [name]) {
    const group = checkGroup(name);
    const admin = await ctx.admin();
    const [state, partitions] = await Promise.all([describeGroup(admin, group), groupLag(admin, group)]);
    ctx.out.result({ ...state, lag: partitions.reduce((s, p) => s + p.lag, 0), partitions }, (r) =>
      [`group ${r.group}  ${r.state}  members ${r.members.length}  lag ${r.lag}`, ...r.members.map((m) => `  member ${m.clientId}@${m.host}${m.endpoint ? ` (${m.endpoint})` : ''}: ${m.partitions.map((tp) => `${tp.topic}[${tp.partitions.join(',')}]`).join(' ')}`), table(['topic', 'partition', 'committed', 'low', 'high', 'lag'], r.partitions.map((p) => [p.topic, String(p.partition), p.committed === null ? '-' : String(p.committed), String(p.low), String(p.high), String(p.lag)]))].join('\n'),
    );
  },
};

export const groupShiftCommand: Command = {
  path: ['group', 'shift'],
  summary: "Move a group's committed offsets on one topic by a delta or to a time (e.g. to skip a poison record). The group must have no live members.",
  args: ['<group>'],
  options: { topic: { type: 'string' }, partition: { type: 'string' }, by: { type: 'string' }, 'to-time': { type: 'string' }, ...planFlags },
  help: [
    '--topic <topic>      the topic (required)',
    '--partition <n>      one partition (default: every partition of the topic)',
    '--by <±n>            move by n records from the committed offset (e.g. --by 1 skips the next record)',
    '--to-time <time>     move to the first record at/after an ISO date-time, epoch ms or -<duration>',
    '--dry-run            print the plan only;  --yes  do not ask',
    'Offsets are clamped to the retained log. Stop the group\'s consumers first (exit 5 otherwise).',
  ],
  async run(ctx, values, [name]) {
    const group = checkGroup(name);
    const topic = text(values, 'topic');
    if (!topic) throw usageError('--topic is required');
    const by = integer(values, 'by', undefined, -1e15, 1e15);
    const toTime = timeFlag(values, 'to-time', ctx.now());
    if ((by === undefined) === (toTime === undefined)) throw usageError('give exactly one of --by <n> and --to-time <time>');
    const partition = integer(values, 'partition', undefined, 0, 100_000);
    const target: OffsetTarget = by !== undefined ? { kind: 'shift', by } : { kind: 'time', ms: toTime as number };
    const admin = await ctx.admin();
    await assertNoMembers(admin, group, 'stop its consumers first (npm run cli -- apps shows who they are)');
    const moves = await planMoves(admin, group, topic, target, partition === undefined ? undefined : [partition]);
    const render = (m: readonly OffsetMove[]) => `shift plan for group ${group} on ${topic}:\n${table(['partition', 'from', 'to'], m.map((x) => [String(x.partition), x.from === null ? '-' : String(x.from), String(x.to)]))}`;
    if (!ctx.out.json) ctx.out.note(render(moves));
    const go = await confirmPlan(ctx, values, `move ${moves.length} offset(s) of ${group}?`);
    if (go) {
      await assertNoMembers(admin, group, 'a consumer joined meanwhile; stop it and retry');
      await applyMoves(admin, group, moves);
    }
    ctx.out.result({ group, topic, applied: go, moves }, (r) => (r.applied ? `moved ${r.moves.length} offset(s)` : 'dry run: nothing changed'));
  },
};
