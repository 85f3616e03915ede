import { runWebhookCrash } from './support/webhook-crash-run';

// Lean for CI; the bench (e2e/bench/webhooks.bench.ts) runs the 10k events through the same helper.
const options = { conversations: 25, perConversation: 20, concurrency: 8, slowMs: 15, killAt: 0.3, deliveryTimeoutMs: 60_000 };
const total = options.conversations * options.perConversation;

describe('webhooks as processes: two replicas, kill -9 of one mid-run', () => {
  it(`acknowledges each of ${total} events once per subscriber, in order per conversation, duplicates bounded by the in-flight requests at the crash`, async () => {
    const report = await runWebhookCrash(options);
    if (report.failure !== undefined) throw new Error(`${report.failure}\n${JSON.stringify(report.subscribers)}`);
    expect(report.subscribers.map((s) => s.name)).toEqual(['fast', 'slow', 'flaky']);
    for (const s of report.subscribers) {
      expect({ name: s.name, acknowledged: s.acknowledged, orderViolations: s.orderViolations, idChanges: s.idChanges, missing: s.missing }).toEqual({ name: s.name, acknowledged: total, orderViolations: 0, idChanges: 0, missing: [] });
      // crash window: requests answered 2xx whose outcome was not yet recorded (≤ concurrency per subscription
      // on the killed replica), plus the same again for the partitions handed back on its restart
      expect(s.duplicates).toBeLessThanOrEqual(2 * options.concurrency);
    }
    process.stdout.write(`webhooks kill -9 run: ${total} events × 3 subscribers; duplicates ${JSON.stringify(Object.fromEntries(report.subscribers.map((s) => [s.name, s.duplicates])))}; ms since start ${JSON.stringify(report.phases)}\n`);
  }, 300_000);
});
