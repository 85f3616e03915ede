import { usageError } from '../exit-codes';
import { deadLetterOf, listDeadLetterTopics, parseRecordRefs, replayDeadLetters, type DeadLetter } from '../kafka/dead-letters';
import { readRecords } from '../kafka/read-records';
import { table } from '../output/output';
import type { Command } from './command';
import { confirmPlan, planFlags } from './confirm';
import { integer, text, timeFlag } from './values';

export const dlqListCommand: Command = {
  path: ['dlq', 'list'],
  summary: 'Without a topic: every dead-letter topic (<app>-v<N>-dlq) with its record count. With one: its records with their reasons.',
  args: ['<dlq-topic>?'],
  options: { limit: { type: 'string' }, 'from-time': { type: 'string' } },
  help: ['--limit <n>         at most n records (default 100)', '--from-time <time>  records dead-lettered at/after this time (ISO, epoch ms, -<duration>)'],
  async run(ctx, values, [topic]) {
    const admin = await ctx.admin();
    if (!topic) {
      const topics = await listDeadLetterTopics(admin, ctx.config.topicsNamespace);
      ctx.out.result({ topics }, (r) => table(['topic', 'app', 'version', 'records'], r.topics.map((t) => [t.topic, t.app, String(t.version), String(t.records)])));
      return;
    }
    const limit = integer(values, 'limit', 100, 1, 100_000);
    const fromTime = timeFlag(values, 'from-time', ctx.now());
    const letters: DeadLetter[] = [];
    await readRecords(ctx.kafka, admin, { topic, signal: ctx.signal, ...(fromTime !== undefined ? { fromTime } : {}) }, (record) => {
      letters.push(deadLetterOf(record));
      return letters.length < limit;
    });
    ctx.out.result({ topic, records: letters }, (r) =>
      table(
        ['record', 'key', 'stage', 'source', 'failed at', 'reason'],
        r.records.map((l) => [`${l.partition}:${l.offset}`, l.key ?? '-', l.stage, l.source ? `${l.source.topic}[${l.source.partition}]@${l.source.offset}` : '-', l.failedAt ?? '-', `${l.reason}${l.valueDroppedBytes !== undefined ? ` (value dropped: ${l.valueDroppedBytes} bytes)` : ''}`]),
      ),
    );
  },
};

export const dlqReplayCommand: Command = {
  path: ['dlq', 'replay'],
  summary: 'Produce chosen dead-lettered records again to their source topic and partition (or --to), without the dlq.* headers.',
  args: ['<dlq-topic>'],
  options: { records: { type: 'string' }, to: { type: 'string' }, ...planFlags },
  help: [
    '--records <p:o,...>  the records to replay, as partition:offset (dlq list shows them); required',
    '--to <topic>         produce to this topic instead of each record\'s source topic',
    '--dry-run            print what would be replayed;  --yes  do not ask',
    'A replayed record carries dlq.replayed.from=<dlq-topic>:<partition>:<offset>. Fix the cause first (deploy the fix), or the app dead-letters it again.',
  ],
  async run(ctx, values, [topic]) {
    const raw = text(values, 'records');
    const refs = raw === undefined ? undefined : parseRecordRefs(raw);
    if (!refs) throw usageError('--records must be a comma list of partition:offset (1 to 10000 records), e.g. --records 0:12,0:15');
    const to = text(values, 'to');
    const plan = `replay ${refs.length} record(s) of ${topic}: ${refs.map((r) => `${r.partition}:${r.offset}`).join(', ')} -> ${to ?? 'their source topics'}`;
    if (!ctx.out.json) ctx.out.note(plan);
    if (!(await confirmPlan(ctx, values, `${plan}?`))) {
      ctx.out.result({ topic, applied: false, records: refs }, () => 'dry run: nothing produced');
      return;
    }
    const result = await replayDeadLetters(ctx.kafka, await ctx.admin(), topic as string, refs, to, ctx.signal);
    ctx.out.result({ topic, applied: true, ...result }, (r) => r.replayed.map((x) => `${x.from.partition}:${x.from.offset} -> ${x.to.topic}[${x.to.partition}]@${x.to.offset}`).join('\n'));
  },
};
