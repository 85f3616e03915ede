/**
 * The walkthrough generator of Zenreach's "WalkthroughsGenerator" post: messages sent to a
 * customer and the customer's walk-ins are both re-keyed by `<businessId>|<customerId>` and
 * repartitioned (so both land in the same task), kept in stores, and a wall-clock punctuator turns
 * settled walk-ins into walkthroughs — a walk-in attributed to the latest message sent before it
 * within the attribution window. Waiting `settleMs` before deciding tolerates messages and walk-ins
 * that arrive out of order; messages older than `retentionMs` are purged.
 */
import type { Processor, ProcessorContext } from '../api/processor';
import type { TopologySpec } from '../internals/topology/spec';
import { Stores } from '../internals/topology/stores';
import { StreamsBuilder } from '../dsl/streams-builder';
import { Serdes } from '../serdes/serdes';

export interface Message {
  readonly messageId: string;
  readonly businessId: string;
  readonly customerId: string;
  readonly sentAt: number;
}

export interface CustomerWalkIn {
  readonly walkInId: string;
  readonly businessId: string;
  readonly customerId: string;
  readonly at: number;
}

export interface Walkthrough {
  readonly businessId: string;
  readonly customerId: string;
  readonly walkInId: string;
  readonly messageId: string;
  readonly walkInAt: number;
  readonly sentAt: number;
}

export interface WalkthroughOptions {
  readonly topics: { readonly messages: string; readonly walkIns: string; readonly walkthroughs: string };
  /** A walk-in counts for a message sent at most this long before it. */
  readonly attributionWindowMs: number;
  /** How long (wall clock after the walk-in time) to wait for late messages before deciding. */
  readonly settleMs: number;
  /** Messages sent longer ago than this (wall clock) are purged. */
  readonly retentionMs: number;
  /** Interval of both punctuators (wall clock). */
  readonly punctuateEveryMs: number;
}

export const walkthroughSerdes = {
  key: Serdes.string(),
  message: Serdes.json<Message>(),
  walkIn: Serdes.json<CustomerWalkIn>(),
  walkthrough: Serdes.json<Walkthrough>(),
};

const MESSAGES = 'customer-messages';
const PENDING = 'pending-walk-ins';

function storeMessages(options: WalkthroughOptions) {
  return (): Processor<string, Message> => {
    let ctx: ProcessorContext<string, Message>;
    return {
      init: (c) => {
        ctx = c;
        const store = ctx.getStateStore<string, Message[]>(MESSAGES);
        ctx.schedule(options.punctuateEveryMs, 'wall-clock', (now) => {
          for (const { key, value } of [...store.all()]) {
            const kept = value.filter((m) => m.sentAt >= now - options.retentionMs);
            if (kept.length === 0) store.delete(key);
            else if (kept.length !== value.length) store.put(key, kept);
          }
        });
      },
      process: (record) => {
        const store = ctx.getStateStore<string, Message[]>(MESSAGES);
        const list = (store.get(record.key) ?? []).filter((m) => m.messageId !== record.value.messageId);
        list.push(record.value);
        list.sort((a, b) => a.sentAt - b.sentAt);
        store.put(record.key, list);
      },
    };
  };
}

function generateWalkthroughs(options: WalkthroughOptions) {
  return (): Processor<string, CustomerWalkIn, string, Walkthrough> => {
    let ctx: ProcessorContext<string, Walkthrough>;
    const attribute = (walkIn: CustomerWalkIn, messages: readonly Message[]): Message | undefined =>
      messages.filter((m) => m.sentAt <= walkIn.at && walkIn.at - m.sentAt <= options.attributionWindowMs).at(-1);
    return {
      init: (c) => {
        ctx = c;
        const pending = ctx.getStateStore<string, CustomerWalkIn[]>(PENDING);
        const messages = ctx.getStateStore<string, Message[]>(MESSAGES);
        ctx.schedule(options.punctuateEveryMs, 'wall-clock', (now) => {
          for (const { key, value } of [...pending.all()]) {
            const settled = value.filter((w) => w.at <= now - options.settleMs);
            if (settled.length === 0) continue;
            for (const walkIn of settled) {
              const message = attribute(walkIn, messages.get(key) ?? []);
              if (!message) continue;
              const walkthrough: Walkthrough = {
                businessId: walkIn.businessId,
                customerId: walkIn.customerId,
                walkInId: walkIn.walkInId,
                messageId: message.messageId,
                walkInAt: walkIn.at,
                sentAt: message.sentAt,
              };
              ctx.forward({ key, value: walkthrough, timestamp: walkIn.at, headers: {} });
            }
            const rest = value.filter((w) => !settled.includes(w));
            if (rest.length === 0) pending.delete(key);
            else pending.put(key, rest);
          }
        });
      },
      process: (record) => {
        const pending = ctx.getStateStore<string, CustomerWalkIn[]>(PENDING);
        const list = (pending.get(record.key) ?? []).filter((w) => w.walkInId !== record.value.walkInId);
        pending.put(record.key, [...list, record.value]);
      },
    };
  };
}

export function walkthroughTopology(options: WalkthroughOptions): TopologySpec {
  const s = walkthroughSerdes;
  const byCustomer = (v: { businessId: string; customerId: string }) => `${v.businessId}|${v.customerId}`;
  const builder = new StreamsBuilder();
  builder
    .stream(options.topics.messages, { keySerde: s.key, valueSerde: s.message, name: 'messages' })
    .selectKey((_id, m) => byCustomer(m), { name: 'messages-rekey', keySerde: s.key })
    .repartition({ name: 'messages-by-customer' })
    .process(storeMessages(options), {
      name: 'store-messages',
      stores: [Stores.keyValue(MESSAGES, s.key, Serdes.json<Message[]>())],
    });
  builder
    .stream(options.topics.walkIns, { keySerde: s.key, valueSerde: s.walkIn, name: 'customer-walk-ins' })
    .selectKey((_id, w) => byCustomer(w), { name: 'walk-ins-rekey', keySerde: s.key })
    .repartition({ name: 'walk-ins-by-customer' })
    .process(generateWalkthroughs(options), {
      name: 'generate-walkthroughs',
      stores: [Stores.keyValue(PENDING, s.key, Serdes.json<CustomerWalkIn[]>()), MESSAGES],
    })
    .to(options.topics.walkthroughs, { name: 'walkthroughs-sink', keySerde: s.key, valueSerde: s.walkthrough });
  return builder.build();
}
