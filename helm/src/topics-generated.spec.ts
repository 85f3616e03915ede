import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allTopics, describeTopics } from '@platform/topics';
import { ChartTopicsError, matchesDeclarations, missingTopics, namespacedTopicNames, parseChartTopics } from './chart-topics';
import { TOPICS_FILE, renderTopicsFile } from './topics-file';
import { helmTemplate, k8sTools, named } from './testing/render';

const committed = readFileSync(join(__dirname, '..', TOPICS_FILE), 'utf8');

describe('the chart topic list (generated from topics/)', () => {
  it('is up to date with topics/ (run `npx nx run helm:generate` when this fails)', () => {
    expect(committed).toBe(renderTopicsFile());
    expect(matchesDeclarations(committed)).toBe(true);
  });

  it('lists every declared topic with its partitions and configs', () => {
    const parsed = parseChartTopics(committed);
    const declared = describeTopics(allTopics);
    expect(parsed.map((t) => t.name)).toEqual(declared.map((t) => t.name));
    for (const [i, t] of parsed.entries()) {
      expect(t.partitions).toBe(declared[i].partitions);
      expect(t.configs).toEqual(declared[i].configs);
    }
  });

  it('a stale list is told apart from the current one', () => {
    const stale = JSON.parse(committed) as { topics: { partitions: number }[] };
    stale.topics[0].partitions += 1;
    expect(matchesDeclarations(`${JSON.stringify(stale, null, 2)}\n`)).toBe(false);
  });

  it('is what the rendered ConfigMap carries, and the job name changes with it', () => {
    const helm = k8sTools().helm;
    const { manifests } = helmTemplate(helm);
    expect(named(manifests, 'ConfigMap', 'chat-topics').data?.['topics.json']).toBe(committed);
    const job = manifests.find((m) => m.kind === 'Job');
    expect(job?.metadata.name).toMatch(/^chat-topics-[0-9a-f]{10}$/);
    expect(job?.spec.template.spec.containers[0].command).toEqual(['node', '/app/tools/apply-topics.cjs', '/etc/platform/topics/topics.json']);
    // A Job's pod template is immutable: another image or broker list is another job name.
    const other = helmTemplate(helm, { image: { tag: '0.2.0' } }).manifests.find((m) => m.kind === 'Job');
    expect(other?.metadata.name).toMatch(/^chat-topics-[0-9a-f]{10}$/);
    expect(other?.metadata.name).not.toBe(job?.metadata.name);
    expect(helmTemplate(helm).manifests.find((m) => m.kind === 'Job')?.metadata.name).toBe(job?.metadata.name);
  }, 900_000);
});

describe('parseChartTopics', () => {
  it('refuses malformed lists with a reason', () => {
    expect(() => parseChartTopics('nope')).toThrow(ChartTopicsError);
    expect(() => parseChartTopics('{"topics": {}}')).toThrow(/"topics" array/);
    expect(() => parseChartTopics('{"topics": [{"name": "a b", "partitions": 1}]}')).toThrow(/topics\[0\] has no valid name/);
    expect(() => parseChartTopics('{"topics": [{"name": "ok", "partitions": 0}]}')).toThrow(/partition count/);
    expect(() => parseChartTopics(`{"topics": [], "pad": "${'x'.repeat(1024 * 1024)}"}`)).toThrow(/larger than/);
  });

  it('names topics under the namespace and finds the missing ones', () => {
    const topics = parseChartTopics('{"topics": [{"name": "a.b", "partitions": 1}, {"name": "c.d", "partitions": 2}]}');
    expect(namespacedTopicNames(topics, 'ns')).toEqual(['ns.a.b', 'ns.c.d']);
    expect(namespacedTopicNames(topics, undefined)).toEqual(['a.b', 'c.d']);
    expect(missingTopics(['ns.a.b', 'ns.c.d'], ['ns.a.b', 'other'])).toEqual(['ns.c.d']);
  });
});
