import type { Producer } from 'kafkajs';
import type { GlobalTable } from '@platform/chat-streams';
import type { Serde, Webhook } from '@platform/schemas';
import type { PartitionStatus } from '../delivery/lane';
import type { KeyCipher } from './key-cipher';
import type { Subscription, SubscriptionDirectory } from './subscription';

/**
 * Subscriptions (compacted `application.communication.webhooks`, Avro `Webhook`, signature key
 * encrypted) and delivery statuses (`application.webhooks.status`), both held in memory on every
 * replica by global tables. Writes go to the topic and return once this replica's table has applied
 * them, so the answer (and any later read here) shows the write.
 */
export class SubscriptionStore implements SubscriptionDirectory {
  constructor(
    private readonly table: GlobalTable<Webhook>,
    private readonly statuses: GlobalTable<PartitionStatus>,
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly serde: Serde<Webhook>,
    private readonly cipher: KeyCipher,
    private readonly writeTimeoutMs: number,
  ) {}

  get(id: string): Subscription | undefined {
    return this.table.get(id);
  }

  *all(): Iterable<Subscription> {
    for (const [, value] of this.table.entries()) yield value;
  }

  signatureKey(subscription: Subscription): string | undefined {
    return subscription.signatureKey === null || subscription.signatureKey === undefined ? undefined : this.cipher.decrypt(subscription.signatureKey);
  }

  onChange(listener: (id: string, value: Subscription | null) => void): () => void {
    return this.table.onChange(listener);
  }

  encryptKey(plain: string): string {
    return this.cipher.encrypt(plain);
  }

  /** The statuses of one subscription, one per events partition it has had events in. */
  statusesOf(id: string): PartitionStatus[] {
    const found: PartitionStatus[] = [];
    for (const [key, value] of this.statuses.entries()) if (key.startsWith(`${id}/`)) found.push(value);
    return found;
  }

  /** Writes the subscription; true once this replica sees it, false when the table did not catch up in time. */
  async save(subscription: Webhook): Promise<boolean> {
    const value = await this.serde.serialize(this.topic, subscription);
    const [meta] = await this.producer.send({ topic: this.topic, acks: -1, timeout: this.writeTimeoutMs, messages: [{ key: subscription.id, value }] });
    if (meta === undefined) return false;
    const offset = meta.baseOffset ?? meta.offset;
    if (offset === undefined) return false;
    return this.table.waitForPosition(meta.partition, offset, this.writeTimeoutMs);
  }
}
