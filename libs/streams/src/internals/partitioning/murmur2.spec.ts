import { Partitioners } from 'kafkajs';
import { partitionForKey } from './murmur2';

describe('partitionForKey', () => {
  it('matches kafkajs DefaultPartitioner for keys of every tail length', () => {
    const kafkajs = Partitioners.DefaultPartitioner();
    for (const partitions of [1, 3, 7, 12]) {
      const partitionMetadata = Array.from({ length: partitions }, (_, i) => ({ partitionId: i, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0, offlineReplicas: [] }));
      for (let i = 0; i < 200; i++) {
        const key = Buffer.from(`key-${i}-${'é'.repeat(i % 5)}`);
        const expected = kafkajs({ topic: 't', partitionMetadata, message: { key, value: null } });
        expect(partitionForKey(key, partitions)).toBe(expected);
      }
    }
  });
});
