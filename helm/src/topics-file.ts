import { allTopics, describeTopics } from '@platform/topics';

/** Where the chart keeps the topic list (the generated part of the chart). */
export const TOPICS_FILE = 'charts/kafka-chat-platform/files/topics.generated.json';

/** One topic as the chart's topics job creates it (names without the deployment's TOPICS_NAMESPACE). */
export interface ChartTopic {
  readonly name: string;
  readonly partitions: number;
  /** -1 = the broker's default (or the job's TOPICS_REPLICATION_FACTOR). */
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, string>>;
}

/** Pure: the chart's topic list from topics/ (describeTopics over allTopics), as the committed file's text. */
export function renderTopicsFile(): string {
  const topics: ChartTopic[] = describeTopics(allTopics).map((t) => ({
    name: t.name,
    partitions: t.partitions,
    replicationFactor: t.replicationFactor,
    configs: t.configs,
  }));
  const document = {
    generatedBy: 'nx run helm:generate (helm/tools/generate.ts) from topics/ — do not edit',
    topics,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
