import { Admin, ConfigResourceTypes } from 'kafkajs';
import { applyTopics } from './apply';
import { TopicDeclaration } from './declaration';
import { allTopics } from './declarations';
import { PartitionShrinkError } from './errors';
import { isClean } from './report';
import { topicName } from './topic-name';
import { createTopic, newKafka, uniqueName, waitFor } from '@platform/testing';

const entity: TopicDeclaration = {
  name: 'application.test.things',
  description: 'compacted entity',
  key: { format: 'string', meaning: 'thing id' },
  value: { format: 'avro', schema: 'Tag' },
  entity: true,
  partitions: 2,
  cleanupPolicy: 'compact',
  minCompactionLagMs: 3_600_000,
  segmentBytes: 2 * 1024 * 1024,
  maxMessageBytes: 1_048_576,
  owner: 'tests',
  coPartitionGroup: 'test-group',
};
const sibling: TopicDeclaration = { ...entity, name: 'application.test.thing-facts', description: 'co-partitioned with things' };
const events: TopicDeclaration = {
  name: 'source.test.events',
  description: 'raw events',
  key: { format: 'string', meaning: 'request id' },
  value: { format: 'json', meaning: 'raw payload' },
  entity: false,
  partitions: 1,
  cleanupPolicy: 'delete',
  retentionMs: 86_400_000,
  maxMessageBytes: 2_097_152,
  owner: 'tests',
};
const declarations = [entity, sibling, events];

describe('applyTopics against the real broker', () => {
  let admin: Admin;
  const namespaces: string[] = [];
  const newNamespace = () => {
    const namespace = uniqueName('topics-spec');
    namespaces.push(namespace);
    return namespace;
  };

  beforeAll(async () => {
    admin = newKafka('topics-spec').admin();
    await admin.connect();
  });

  afterAll(async () => {
    const ours = (await admin.listTopics()).filter((name) => namespaces.some((ns) => name.startsWith(`${ns}.`)));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours });
    await admin.disconnect();
  });

  const liveConfig = async (topic: string, key: string) => {
    const { resources } = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: [key] }], includeSynonyms: false });
    return resources[0]?.configEntries.find((entry) => entry.configName === key)?.configValue;
  };
  const partitionCount = async (topic: string) => (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions.length;

  it('creates every declared topic of the platform, then a second apply is a no-op', async () => {
    const namespace = newNamespace();
    const first = await applyTopics(admin, allTopics, { namespace, replicationFactor: 1 });
    expect(first.errors).toEqual([]);
    expect(first.created).toEqual(allTopics.map((decl) => topicName(decl, namespace)));
    const messages = topicName({ name: 'application.communication.messages' }, namespace);
    expect(await partitionCount(messages)).toBe(10);
    expect(await liveConfig(messages, 'cleanup.policy')).toBe('compact');
    expect(await liveConfig(messages, 'max.message.bytes')).toBe('1048576');
    expect(await liveConfig(topicName({ name: 'source.chatplugin.events' }, namespace), 'max.message.bytes')).toBe('2097152');

    const second = await applyTopics(admin, allTopics, { namespace, replicationFactor: 1 });
    expect(second.created).toEqual([]);
    expect(second.unchanged).toEqual(first.created);
    expect(isClean(second)).toBe(true);
  });

  it('uses the broker default replication factor when none is declared or given', async () => {
    const namespace = newNamespace();
    const report = await applyTopics(admin, [events], { namespace });
    expect(report.errors).toEqual([]);
    expect(report.created).toEqual([`${namespace}.source.test.events`]);
  });

  it('is safe when two applies race for the same topics', async () => {
    const namespace = newNamespace();
    const [a, b] = await Promise.all([applyTopics(admin, declarations, { namespace }), applyTopics(admin, declarations, { namespace })]);
    expect([...a.errors, ...b.errors]).toEqual([]);
    // Both saw the topics missing and both report them created (see createMissing); each exists once.
    const names = declarations.map((decl) => topicName(decl, namespace));
    expect(new Set([...a.created, ...b.created])).toEqual(new Set(names));
    expect(isClean(await applyTopics(admin, declarations, { namespace }))).toBe(true);
  });

  it('reports config drift made by hand, corrects it when asked, and is clean afterwards', async () => {
    const namespace = newNamespace();
    await applyTopics(admin, declarations, { namespace });
    const things = topicName(entity, namespace);
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: things,
          configEntries: [
            { name: 'cleanup.policy', value: 'delete' },
            { name: 'min.compaction.lag.ms', value: '3600000' },
            { name: 'segment.bytes', value: String(2 * 1024 * 1024) },
            { name: 'max.message.bytes', value: '4194304' },
            { name: 'retention.bytes', value: '1048576' },
          ],
        },
      ],
    });
    const drifted = await waitFor(async () => {
      const report = await applyTopics(admin, declarations, { namespace });
      return report.drift.length > 0 && report;
    });
    expect(drifted.drift).toEqual([
      { topic: things, key: 'cleanup.policy', expected: 'compact', actual: 'delete' },
      { topic: things, key: 'max.message.bytes', expected: '1048576', actual: '4194304' },
      { topic: things, key: 'retention.bytes', expected: null, actual: '1048576' },
    ]);
    expect(drifted.corrected).toEqual([]);
    expect(drifted.unchanged).not.toContain(things);

    const corrected = await applyTopics(admin, declarations, { namespace, correctDrift: true });
    expect(corrected.corrected).toEqual([things]);
    expect(corrected.errors).toEqual([]);

    const clean = await waitFor(async () => {
      const report = await applyTopics(admin, declarations, { namespace });
      return isClean(report) && report;
    });
    expect(clean.unchanged).toHaveLength(declarations.length);
    expect(await liveConfig(things, 'cleanup.policy')).toBe('compact');
    expect(await liveConfig(things, 'max.message.bytes')).toBe('1048576');
  });

  it('reports a topic left at the broker default max.message.bytes as drift and sets the declared value', async () => {
    const namespace = newNamespace();
    const raw = topicName(events, namespace);
    await createTopic(admin, raw, { partitions: 1, config: { 'cleanup.policy': 'delete', 'retention.ms': '86400000' } });
    const report = await applyTopics(admin, [events], { namespace });
    expect(report.drift).toEqual([{ topic: raw, key: 'max.message.bytes', expected: '2097152', actual: '1048588' }]);
    expect(report.unchanged).toEqual([]);
    expect((await applyTopics(admin, [events], { namespace, correctDrift: true })).corrected).toEqual([raw]);
    const clean = await waitFor(async () => {
      const again = await applyTopics(admin, [events], { namespace });
      return isClean(again) && again;
    });
    expect(clean.unchanged).toEqual([raw]);
    expect(await liveConfig(raw, 'max.message.bytes')).toBe('2097152');
  });

  it('refuses to shrink partitions, with a clear message, and leaves the topic alone', async () => {
    const namespace = newNamespace();
    const things = topicName(entity, namespace);
    await createTopic(admin, things, { partitions: 3, config: { 'cleanup.policy': 'compact' } });
    const report = await applyTopics(admin, [entity], { namespace, growPartitions: true, correctDrift: true });
    expect(report.partitions).toEqual([{ topic: things, declared: 2, actual: 3, action: 'refused-shrink' }]);
    expect(report.errors).toHaveLength(1);
    const [error] = report.errors;
    expect(error).toBeInstanceOf(PartitionShrinkError);
    expect(error?.message).toBe(
      `topic ${things} has 3 partitions but is declared with 2: Kafka cannot reduce partitions, so it was left as is. ` +
        'Declare 3 partitions, or migrate to a new topic by hand.',
    );
    expect(await partitionCount(things)).toBe(3);
  });

  it('reports a co-partition group with mismatching counts, and grows partitions when asked', async () => {
    const namespace = newNamespace();
    const facts = topicName(sibling, namespace);
    await createTopic(admin, facts, { partitions: 1 });
    const report = await applyTopics(admin, declarations, { namespace, correctDrift: true });
    expect(report.partitions).toEqual([{ topic: facts, declared: 2, actual: 1, action: 'grow-not-requested' }]);
    expect(report.coPartitionMismatches).toEqual([{ group: 'test-group', partitions: { [topicName(entity, namespace)]: 2, [facts]: 1 } }]);

    const grown = await applyTopics(admin, declarations, { namespace, growPartitions: true });
    expect(grown.partitions).toEqual([{ topic: facts, declared: 2, actual: 1, action: 'grown' }]);
    expect(grown.coPartitionMismatches).toEqual([]);
    expect(await partitionCount(facts)).toBe(2);
  });
});
