import { ChartTopic, renderTopicsFile } from './topics-file';

/** Largest topic list file accepted (the generated one is a few KiB). */
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_TOPICS = 10_000;
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

export class ChartTopicsError extends Error {
  override readonly name = 'ChartTopicsError';
}

/** Parses and checks the chart's topic list (the ConfigMap mounted into init containers and the topics job). */
export function parseChartTopics(text: string): ChartTopic[] {
  if (Buffer.byteLength(text) > MAX_FILE_BYTES) throw new ChartTopicsError(`topic list is larger than ${MAX_FILE_BYTES} bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new ChartTopicsError(`topic list is not JSON (${cause instanceof Error ? cause.message : String(cause)})`);
  }
  const topics = (parsed as { topics?: unknown } | null)?.topics;
  if (!Array.isArray(topics) || topics.length > MAX_TOPICS) throw new ChartTopicsError(`topic list must have a "topics" array of at most ${MAX_TOPICS} entries`);
  return topics.map((entry: unknown, index) => {
    const t = entry as Partial<ChartTopic> | null;
    if (!t || typeof t.name !== 'string' || !TOPIC_NAME.test(t.name)) throw new ChartTopicsError(`topics[${index}] has no valid name`);
    if (!Number.isInteger(t.partitions) || (t.partitions as number) < 1) throw new ChartTopicsError(`topics[${index}] (${t.name}) has no valid partition count`);
    return { name: t.name, partitions: t.partitions as number, replicationFactor: Number(t.replicationFactor ?? -1), configs: { ...(t.configs ?? {}) } };
  });
}

/** Names of the listed topics under a deployment's TOPICS_NAMESPACE. */
export function namespacedTopicNames(topics: readonly ChartTopic[], namespace: string | undefined): string[] {
  return topics.map((t) => (namespace ? `${namespace}.${t.name}` : t.name));
}

/** The listed topics that are not in `existing`. */
export function missingTopics(wanted: readonly string[], existing: readonly string[]): string[] {
  const present = new Set(existing);
  return wanted.filter((name) => !present.has(name));
}

/**
 * True when the mounted list is what this build's declarations give: the topics job refuses to apply when the
 * chart and the image come from different versions of topics/.
 */
export function matchesDeclarations(text: string): boolean {
  return text === renderTopicsFile();
}
