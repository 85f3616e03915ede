/** What the window needs of an event: its size and where it came from. */
export interface WindowedEvent {
  readonly partition: number;
  readonly offset: bigint;
  readonly body: string;
}

/**
 * The most recent events in arrival order, numbered from 0 (`seq`), at most `maxEvents` of them and `maxBytes` of
 * bodies (always the newest one). Eviction is O(1): the oldest slot is cleared and the evicted prefix is cut off
 * in one copy once it is as long as what remains (`Array.shift` moves the whole window, which cost a full window's
 * copy per event once the window was full: 4.6 % of the webhooks process' CPU in the delivery bench).
 */
export class EventWindow<E extends WindowedEvent> {
  private slots: (E | undefined)[] = [];
  /** Index in `slots` of the oldest event. */
  private start = 0;
  /** seq of slots[start]. */
  private headSeq = 0;
  private bytes = 0;

  constructor(
    private readonly maxEvents: number,
    private readonly maxBytes: number,
    /** Called for each event leaving the window, oldest first. */
    private readonly onEvict: (event: E) => void = () => undefined,
  ) {}

  /** seq of the oldest event still held. */
  get firstSeq(): number {
    return this.headSeq;
  }

  /** seq the next event gets. */
  get endSeq(): number {
    return this.headSeq + this.size;
  }

  get size(): number {
    return this.slots.length - this.start;
  }

  /** The event with this seq, or undefined once it left the window (or before it exists). */
  at(seq: number): E | undefined {
    return seq < this.headSeq ? undefined : this.slots[this.start + seq - this.headSeq];
  }

  /** Appends `event` (its seq is the previous `endSeq`), then evicts the oldest while over a limit. */
  push(event: E): void {
    this.slots.push(event);
    this.bytes += event.body.length;
    while (this.size > 1 && (this.size > this.maxEvents || this.bytes > this.maxBytes)) this.evict();
  }

  private evict(): void {
    const old = this.slots[this.start]!;
    this.slots[this.start] = undefined;
    this.start++;
    this.headSeq++;
    this.bytes -= old.body.length;
    if (this.start >= 1024 && this.start * 2 >= this.slots.length) {
      this.slots = this.slots.slice(this.start);
      this.start = 0;
    }
    this.onEvict(old);
  }
}
