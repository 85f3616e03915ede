import { ConfigEntries, ConfigSource } from 'kafkajs';
import { ConfigDrift } from '../report';

/**
 * Compares the declared configs with what DescribeConfigs returned for one topic.
 * Drift = a declared key whose live value differs, or a topic-level override nobody declared
 * (it would silently change behaviour, and `alterConfigs` with the declared set removes it).
 */
export function configDrift(topic: string, desired: Record<string, string>, entries: ConfigEntries[]): ConfigDrift[] {
  const drift: ConfigDrift[] = [];
  const live = new Map(entries.map((entry) => [entry.configName, entry]));
  for (const [key, expected] of Object.entries(desired)) {
    const actual = live.get(key)?.configValue ?? null;
    if (actual !== expected) drift.push({ topic, key, expected, actual });
  }
  for (const entry of entries) {
    if (entry.configSource === ConfigSource.TOPIC_CONFIG && !(entry.configName in desired)) {
      drift.push({ topic, key: entry.configName, expected: null, actual: entry.configValue });
    }
  }
  return drift;
}
