import { EXIT } from '../exit-codes';
import { describeTopic, drifted, listTopics } from '../kafka/topics-inspect';
import { table } from '../output/output';
import type { Command } from './command';
import { flag } from './values';

export const topicsListCommand: Command = {
  path: ['topics', 'list'],
  summary: 'List live and declared topics with partitions, owner and drift from topics/ (missing, partition count, configs).',
  args: [],
  options: { check: { type: 'boolean' } },
  help: ['--check   exit 7 when a declared topic is missing or drifted (for CI / health scripts)'],
  async run(ctx, values) {
    const topics = await listTopics(await ctx.admin(), ctx.config.topicsNamespace);
    const drift = topics.filter(drifted);
    ctx.out.result({ topics, drifted: drift.map((t) => t.name) }, ({ topics: list }) => {
      const rows = list.map((t) => [t.name, t.owner ?? '-', t.exists ? String(t.partitions ?? '?') : 'missing', t.declaredPartitions === undefined ? '-' : String(t.declaredPartitions), t.declared ? (!t.exists ? 'MISSING' : drifted(t) ? `DRIFT ${t.drift.map((d) => `${d.key}=${d.actual ?? 'unset'} (declared ${d.expected ?? 'unset'})`).join('; ')}`.trim() : 'ok') : 'undeclared']);
      return `${table(['topic', 'owner', 'partitions', 'declared', 'status'], rows)}\n\n${drift.length} of ${list.filter((t) => t.declared).length} declared topic(s) drifted`;
    });
    if (flag(values, 'check') && drift.length > 0) return EXIT.unhealthy;
  },
};

export const topicsDescribeCommand: Command = {
  path: ['topics', 'describe'],
  summary: 'Describe one topic: partitions (leader, replicas, ISR, offsets), topic-level configs, declaration and drift.',
  args: ['<topic>'],
  options: {},
  help: [],
  async run(ctx, _values, [name]) {
    const topic = await describeTopic(await ctx.admin(), ctx.config.topicsNamespace, name as string);
    ctx.out.result(topic, (t) => {
      const head = [
        `${t.name}${t.exists ? '' : '  (MISSING: declared, not created)'}`,
        `  owner ${t.owner ?? '-'}  partitions ${t.partitions ?? '-'}${t.declaredPartitions !== undefined ? ` (declared ${t.declaredPartitions})` : '  (not declared in topics/)'}`,
        ...(t.description ? [`  ${t.description}`] : []),
        ...(t.value ? [`  value: ${t.value.format === 'avro' ? `avro ${t.value.schema}` : `${t.value.format} (${t.value.meaning})`}`] : []),
        '  configs:',
        ...Object.entries(t.configs).map(([k, v]) => `    ${k}=${v ?? '(unset)'}`),
        `  drift: ${t.drift.length === 0 ? 'none' : ''}`,
        ...t.drift.map((d) => `    ${d.key}: live ${d.actual ?? 'unset'}, declared ${d.expected ?? 'unset'}`),
      ];
      const rows = t.partitionDetails.map((p) => [String(p.partition), String(p.leader), p.replicas.join(','), p.isr.join(','), p.low, p.high]);
      return `${head.join('\n')}\n${table(['partition', 'leader', 'replicas', 'isr', 'low', 'high'], rows)}`;
    });
  },
};
