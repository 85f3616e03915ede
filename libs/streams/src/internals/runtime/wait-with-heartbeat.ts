/** Awaits `promise` (its outcome ignored), heartbeating the group every second meanwhile: a long task change must not cost the membership. */
export async function waitWithHeartbeat(promise: Promise<void>, heartbeat: () => Promise<void>): Promise<void> {
  let settled = false;
  const watched = promise.then(
    () => void (settled = true),
    () => void (settled = true),
  );
  while (!settled) {
    await Promise.race([watched, new Promise((r) => setTimeout(r, 1000))]);
    if (!settled) await heartbeat().catch(() => undefined);
  }
}
