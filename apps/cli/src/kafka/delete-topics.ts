import type { Admin } from 'kafkajs';

/** Deletes the topics and resolves once the broker no longer lists them (so an app can recreate them at once). */
export async function deleteTopicsAndWait(admin: Admin, topics: readonly string[], timeoutMs: number): Promise<void> {
  if (topics.length === 0) return;
  await admin.deleteTopics({ topics: [...topics], timeout: timeoutMs });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const live = new Set(await admin.listTopics());
    if (!topics.some((t) => live.has(t))) return;
    if (Date.now() > deadline) throw new Error(`topics ${topics.filter((t) => live.has(t)).join(', ')} still exist after ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
