/**
 * murmur2 as the Java client (and kafkajs's `DefaultPartitioner`) computes it, so a key lands on
 * the same partition in the test driver as in production.
 */
export function murmur2(data: Buffer): number {
  const m = 0x5bd1e995;
  const length = data.length;
  let h = 0x9747b28c ^ length;
  const blocks = length >> 2;
  for (let i = 0; i < blocks; i++) {
    const j = i * 4;
    let k = data[j] | (data[j + 1] << 8) | (data[j + 2] << 16) | (data[j + 3] << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const tail = length & ~3;
  const rest = length % 4;
  if (rest === 3) h ^= data[tail + 2] << 16;
  if (rest >= 2) h ^= data[tail + 1] << 8;
  if (rest >= 1) {
    h ^= data[tail];
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** The producer's default partition for a non-null key. */
export function partitionForKey(keyBytes: Buffer, numPartitions: number): number {
  return (murmur2(keyBytes) & 0x7fffffff) % numPartitions;
}
