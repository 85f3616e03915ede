import type { Admin } from 'kafkajs';
import { createTopicsAndWait } from './topic-creation';

/** An admin whose new topic answers UNKNOWN_TOPIC_OR_PARTITION a few times, as a fresh topic can. */
function propagatingAdmin(failures: number, createError?: Error) {
  const calls = { create: 0, offsets: 0 };
  const admin = {
    createTopics: async () => {
      calls.create++;
      if (createError && calls.create === 1) throw createError;
      return true;
    },
    fetchTopicOffsets: async () => {
      calls.offsets++;
      if (calls.offsets <= failures) throw Object.assign(new Error('This server does not host this topic-partition'), { type: 'UNKNOWN_TOPIC_OR_PARTITION', retriable: true });
      return [0, 1, 2].map((partition) => ({ partition, offset: '0', high: '0', low: '0' }));
    },
  } as unknown as Admin;
  return { admin, calls };
}

describe('createTopicsAndWait', () => {
  it('waits until a new topic answers offset requests', async () => {
    const { admin, calls } = propagatingAdmin(3);
    await createTopicsAndWait(admin, [{ topic: 't', numPartitions: 3 }]);
    expect(calls).toEqual({ create: 1, offsets: 4 });
  });

  it('retries a creation that failed while metadata propagated, and gives up on other errors', async () => {
    const transient = Object.assign(new Error('unknown topic'), { type: 'UNKNOWN_TOPIC_OR_PARTITION' });
    const { admin, calls } = propagatingAdmin(0, transient);
    await createTopicsAndWait(admin, [{ topic: 't', numPartitions: 3 }]);
    expect(calls.create).toBe(2);

    const fatal = Object.assign(new Error('not authorized'), { type: 'TOPIC_AUTHORIZATION_FAILED', retriable: false });
    const refused = propagatingAdmin(0, fatal);
    await expect(createTopicsAndWait(refused.admin, [{ topic: 't', numPartitions: 3 }])).rejects.toThrow('not authorized');
    expect(refused.calls.create).toBe(1);
  });

  it('does nothing for no topics', async () => {
    const { admin, calls } = propagatingAdmin(0);
    await createTopicsAndWait(admin, []);
    expect(calls).toEqual({ create: 0, offsets: 0 });
  });
});
