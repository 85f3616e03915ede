/**
 * The one way the engine keys maps by topic-partition: `<topic>|<partition>`. Topic names cannot contain
 * `|` (Kafka allows letters, digits, `.`, `_` and `-`), so the key is unambiguous and parses back.
 */
export type TopicPartitionKey = string & { readonly __topicPartition: true };

export function tpKey(topic: string, partition: number): TopicPartitionKey {
  return `${topic}|${partition}` as TopicPartitionKey;
}

export function parseTpKey(key: string): { readonly topic: string; readonly partition: number } {
  const at = key.lastIndexOf('|');
  const partition = Number(key.slice(at + 1));
  if (at <= 0 || !Number.isInteger(partition) || partition < 0) throw new Error(`not a topic-partition key: ${key}`);
  return { topic: key.slice(0, at), partition };
}
