/** How many message ids of recent Messenger/Instagram sends one process remembers (the oldest are forgotten first). */
export const rememberedSends = 10_000;

/**
 * The message ids (`mid`) Graph answered to this process's Messenger and Instagram sends, remembered from
 * the moment the answer arrives. Meta posts the echo of a send right after accepting it, often before the
 * sender has committed the send's outcome (the kit's provider entry, read through `messageOfProviderId`);
 * Instagram echoes carry neither our app id nor a metadata tag, so without this the echo of our own reply
 * routed in that window would become a second message. Echoes are placed by conversation, so they are
 * routed by the process whose task sent the reply (the same task), unless a rebalance moved it meanwhile.
 */
export class SentMids {
  private readonly mids = new Set<string>();

  constructor(private readonly capacity = rememberedSends) {}

  remember(mid: string): void {
    this.mids.delete(mid);
    this.mids.add(mid);
    if (this.mids.size > this.capacity) {
      const oldest = this.mids.values().next();
      if (!oldest.done) this.mids.delete(oldest.value);
    }
  }

  has(mid: string): boolean {
    return this.mids.has(mid);
  }
}
