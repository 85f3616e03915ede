import { createHash } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Producer } from 'kafkajs';
import { chatSerdes, placementPartition, type ChatTopics } from '@platform/chat-streams';
import { createSchemaRegistry, type Message } from '@platform/schemas';
import { registryUrl } from '@platform/testing';

/** One 2xx a subscriber answered: which message, of which conversation, under which `webhook-id`, when (performance.now()). */
export interface Ack {
  readonly messageId: string;
  readonly conversationId: string;
  readonly eventId: string;
  readonly at: number;
}

/** A webhook subscriber on loopback speaking the real wire format: records every 2xx it answers. */
export interface Subscriber {
  readonly name: string;
  readonly acks: Ack[];
  /** Every request received (2xx or not). */
  readonly received: () => number;
  listen(): Promise<void>;
  url(): string;
  close(): Promise<void>;
}

type Behaviour = (eventId: string, respond: (status: number) => void) => void;

export function subscriber(name: string, behaviour: Behaviour): Subscriber {
  const acks: Ack[] = [];
  let received = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received++;
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string; payload: { conversation_id: string; message: { id: string } } };
      behaviour(event.id, (status) => {
        if (status >= 200 && status < 300) acks.push({ messageId: event.payload.message.id, conversationId: event.payload.conversation_id, eventId: event.id, at: performance.now() });
        res.writeHead(status).end();
      });
    });
  });
  return {
    name,
    acks,
    received: () => received,
    listen: () => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)),
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    close: async () => {
      server.closeAllConnections();
      if (server.listening) await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Answers 200 at once. */
export const fastSubscriber = (name = 'fast') => subscriber(name, (_id, respond) => respond(200));
/** Answers 200 after `delayMs`. */
export const slowSubscriber = (delayMs: number, name = 'slow') => subscriber(name, (_id, respond) => setTimeout(() => respond(200), delayMs));
/** Fails (503) the first attempt of one event in four (chosen by its id, so the same ones on every run), then acknowledges it. */
export function flakySubscriber(name = 'flaky'): Subscriber {
  const seen = new Set<string>();
  return subscriber(name, (id, respond) => {
    const fails = createHash('sha256').update(id).digest()[0]! % 4 === 0 && !seen.has(id);
    seen.add(id);
    respond(fails ? 503 : 200);
  });
}

/** `c<conversation>-m<n>` with `n` zero-padded, so the ids of one conversation sort in sending order. */
export function messageId(conversation: number, n: number, perConversation: number): string {
  return `c${conversation}-m${String(n).padStart(String(perConversation - 1).length, '0')}`;
}

export function aMessage(conversation: number, n: number, perConversation: number, sentAt: number): Message {
  return {
    id: messageId(conversation, n, perConversation),
    conversationId: `conv-${conversation}`,
    channelId: 'channel-e2e',
    source: 'chatplugin',
    senderId: 'contact',
    isFromContact: true,
    deliveryState: 'DELIVERED',
    content: '{"text":"x"}',
    sentAt,
    updatedAt: null,
    headers: {},
  };
}

/**
 * Writes `conversations × perConversation` new messages to the messages topic as the chat apps place them
 * (key = message id, partition by conversation), round by round (message n of every conversation, then n+1),
 * `roundsPerBatch` rounds per produce request, each acknowledged before the next so the order per conversation holds.
 * Conversations are numbered from `firstConversation`.
 */
export async function produceMessages(
  producer: Producer,
  topics: ChatTopics,
  options: { conversations: number; perConversation: number; sentAt: number; roundsPerBatch?: number; /** Number of the first conversation (0): another range writes other ids. */ firstConversation?: number },
): Promise<void> {
  const serde = chatSerdes(createSchemaRegistry({ url: registryUrl() })).message;
  const partitions = topics.partitions.get(topics.messages)!;
  const roundsPerBatch = options.roundsPerBatch ?? 1;
  const first = options.firstConversation ?? 0;
  for (let n = 0; n < options.perConversation; n += roundsPerBatch) {
    const messages: { key: string; value: Buffer; partition: number }[] = [];
    for (let r = n; r < Math.min(options.perConversation, n + roundsPerBatch); r++) {
      for (let c = first; c < first + options.conversations; c++) {
        const message = aMessage(c, r, options.perConversation, options.sentAt + r);
        messages.push({ key: message.id, value: await serde.serialize(topics.messages, message), partition: placementPartition(message.conversationId, partitions) });
      }
    }
    await producer.send({ topic: topics.messages, acks: -1, messages });
  }
}
