/** Body field of a gather call naming the stamp of the part the gathering replica already holds from that peer. */
export const KNOWN_STAMP_FIELD = 'known_stamp';

/** A peer's answer when its part still has the stamp the gathering replica holds: nothing to send again. */
export interface UnchangedPart {
  readonly unchanged: true;
  readonly stamp: string;
}

/** How many (peer, route, request) parts a replica keeps. */
const heldPartCount = 256;

/**
 * Parts of gathered lists received from peers, kept with the stamp their peer gave them: the next gather
 * of the same request sends that stamp, and a peer whose part has not changed answers `UnchangedPart`
 * (a few bytes) instead of the part, which is then taken from here. Agent UIs poll the same first pages,
 * and parsing a peer's part and the peer serializing it were a tenth of a two-replica list (profiled).
 * A stamp names the peer's process and the state its part was built from, so it is never reused across
 * a restart or a rebalance.
 */
export class HeldParts<P> {
  private readonly parts = new Map<string, { readonly stamp: string; readonly part: P }>();

  static key(endpoint: string, path: string, request: string): string {
    return `${endpoint}\n${path}\n${request}`;
  }

  get(key: string): { readonly stamp: string; readonly part: P } | undefined {
    return this.parts.get(key);
  }

  put(key: string, stamp: string, part: P): void {
    this.parts.delete(key);
    this.parts.set(key, { stamp, part });
    if (this.parts.size > heldPartCount) this.parts.delete(this.parts.keys().next().value!);
  }

  forget(key: string): void {
    this.parts.delete(key);
  }
}

export function isUnchangedPart(body: unknown, stamp: string): boolean {
  const reply = body as Partial<UnchangedPart> | null;
  return typeof reply === 'object' && reply !== null && reply.unchanged === true && reply.stamp === stamp;
}

/**
 * A replica's answer to a gather call: `UnchangedPart` when the caller's `known` stamp is the current one,
 * else the part built by `build`, carrying the stamp it was built at — or none when the state moved while
 * it was built (`build` may yield), so a part is only ever reused for the state it shows.
 */
export async function stampedPart<P extends object>(known: unknown, stamp: () => string | undefined, build: () => Promise<P>): Promise<(P & { readonly stamp?: string }) | UnchangedPart> {
  const before = stamp();
  if (before !== undefined && known === before) return { unchanged: true, stamp: before };
  const part = await build();
  return before !== undefined && stamp() === before ? { ...part, stamp: before } : part;
}
