import { TopicDeclaration } from './declaration';
import { allTopics } from './declarations';
import { DEFAULT_MAX_MESSAGE_BYTES, RAW_EVENTS_MAX_MESSAGE_BYTES } from './declarations/defaults';
import { describeTopics } from './describe';
import { InvalidDeclarationError } from './errors';
import { topicName } from './topic-name';
import { validateDeclarations } from './validate';
import { schemaNames } from '@platform/schemas';

const base: TopicDeclaration = {
  name: 'application.test.things',
  description: 'test',
  key: { format: 'string', meaning: 'thing id' },
  value: { format: 'avro', schema: 'Tag' },
  entity: true,
  partitions: 2,
  cleanupPolicy: 'compact',
  maxMessageBytes: 1_048_576,
  owner: 'tests',
};

describe('topic declarations', () => {
  it('are all valid', () => {
    expect(validateDeclarations(allTopics)).toEqual([]);
  });

  it('compact every entity topic (channels included, unlike Airy)', () => {
    for (const decl of allTopics.filter((d) => d.entity)) expect(decl.cleanupPolicy).toContain('compact');
    expect(allTopics.find((d) => d.name === 'application.communication.channels')?.cleanupPolicy).toBe('compact');
  });

  it('declare the core topics, each value schema existing in @platform/schemas', () => {
    const names = allTopics.map((d) => d.name);
    for (const dataset of ['messages', 'channels', 'metadata', 'read-receipt', 'tags', 'templates', 'webhooks', 'users']) {
      expect(names).toContain(`application.communication.${dataset}`);
    }
    expect(names).toContain('source.chatplugin.events');
    for (const decl of allTopics) if (decl.value.format === 'avro') expect(schemaNames).toContain(decl.value.schema);
  });

  it('declare max.message.bytes explicitly: 1 MiB for application and ops topics, 2 MiB for raw source events', () => {
    for (const decl of allTopics) {
      expect(decl.maxMessageBytes).toBe(decl.name.startsWith('source.') ? RAW_EVENTS_MAX_MESSAGE_BYTES : DEFAULT_MAX_MESSAGE_BYTES);
      expect(describeTopics([decl])[0]?.configs['max.message.bytes']).toBe(String(decl.maxMessageBytes));
    }
    // Under the broker default (1,048,588), which the engine's changelogs keep.
    expect(DEFAULT_MAX_MESSAGE_BYTES).toBeLessThanOrEqual(1_048_588);
  });

  it('give every co-partition group one partition count', () => {
    const groups = new Map<string, Set<number>>();
    for (const d of allTopics) if (d.coPartitionGroup) groups.set(d.coPartitionGroup, (groups.get(d.coPartitionGroup) ?? new Set()).add(d.partitions));
    expect(groups.size).toBeGreaterThan(0);
    for (const counts of groups.values()) expect(counts.size).toBe(1);
  });
});

describe('validateDeclarations', () => {
  it('rejects bad names, uncompacted entities, duplicates and mismatched co-partition groups', () => {
    const issues = validateDeclarations([
      { ...base, name: 'Application.Test.Things' },
      { ...base, name: 'misc.test.things' },
      { ...base, name: 'application.test.events', cleanupPolicy: 'delete', minCompactionLagMs: 1 },
      { ...base, coPartitionGroup: 'g' },
      { ...base, name: 'application.test.other', partitions: 3, coPartitionGroup: 'g' },
      { ...base, coPartitionGroup: 'g' },
    ]);
    expect(issues).toEqual([
      'Application.Test.Things: name must be <kind>.<domain>.<dataset> with kind application|source|ops and lower-case kebab segments',
      'misc.test.things: name must be <kind>.<domain>.<dataset> with kind application|source|ops and lower-case kebab segments',
      'application.test.events: entity topics must be compacted (cleanup.policy compact)',
      'application.test.events: minCompactionLagMs needs a compacted topic',
      'application.test.things: declared twice',
      'co-partition group g: partition counts differ (application.test.things=2, application.test.other=3, application.test.things=2)',
    ]);
  });

  it('requires maxMessageBytes between 1 KiB and 8 MiB', () => {
    expect(validateDeclarations([{ ...base, maxMessageBytes: 1024 }, { ...base, name: 'application.test.big', maxMessageBytes: 8 * 1024 * 1024 }])).toEqual([]);
    const message = 'maxMessageBytes must be an integer from 1024 to 8388608';
    expect(validateDeclarations([{ ...base, maxMessageBytes: 1023 }])).toEqual([`application.test.things: ${message}`]);
    expect(validateDeclarations([{ ...base, maxMessageBytes: 8 * 1024 * 1024 + 1 }])).toEqual([`application.test.things: ${message}`]);
    expect(validateDeclarations([{ ...base, maxMessageBytes: 1.5e6 + 0.5 }])).toEqual([`application.test.things: ${message}`]);
    expect(validateDeclarations([{ ...base, maxMessageBytes: undefined as unknown as number }])).toEqual([`application.test.things: ${message}`]);
  });
});

describe('topicName', () => {
  it('prefixes the namespace when given', () => {
    expect(topicName(base)).toBe('application.test.things');
    expect(topicName(base, 'staging')).toBe('staging.application.test.things');
  });
});

describe('describeTopics', () => {
  it('resolves names, partitions, replication and configs', () => {
    const [resolved] = describeTopics(
      [{ ...base, minCompactionLagMs: 86_400_000, segmentBytes: 10_485_760, coPartitionGroup: 'g' }],
      'ns',
      { replicationFactor: 1 },
    );
    expect(resolved).toEqual({
      name: 'ns.application.test.things',
      declaredName: 'application.test.things',
      partitions: 2,
      replicationFactor: 1,
      configs: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '86400000', 'segment.bytes': '10485760', 'max.message.bytes': '1048576' },
      owner: 'tests',
      coPartitionGroup: 'g',
      value: { format: 'avro', schema: 'Tag' },
    });
  });

  it('leaves replication to the broker default unless declared or overridden', () => {
    expect(describeTopics([base])[0]?.replicationFactor).toBe(-1);
    expect(describeTopics([{ ...base, replicationFactor: 3 }])[0]?.replicationFactor).toBe(3);
  });

  it('describes every declared topic and refuses invalid input', () => {
    expect(describeTopics(allTopics, 'x').map((t) => t.name)).toEqual(allTopics.map((d) => `x.${d.name}`));
    expect(() => describeTopics([{ ...base, entity: true, cleanupPolicy: 'delete' }])).toThrow(InvalidDeclarationError);
    expect(() => describeTopics([base], 'bad namespace')).toThrow(/namespace "bad namespace"/);
  });
});
