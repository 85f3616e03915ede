import { BlockList, isIP } from 'node:net';
import { PlatformConfigError } from './errors';

/** Named address ranges a trusted-proxy list may use, as Express's `trust proxy` names them. */
const namedRanges: ReadonlyMap<string, ReadonlyArray<readonly [string, number, 'ipv4' | 'ipv6']>> = new Map([
  ['loopback', [['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6']]],
  ['linklocal', [['169.254.0.0', 16, 'ipv4'], ['fe80::', 10, 'ipv6']]],
  ['uniquelocal', [['10.0.0.0', 8, 'ipv4'], ['172.16.0.0', 12, 'ipv4'], ['192.168.0.0', 16, 'ipv4'], ['fc00::', 7, 'ipv6']]],
]);

/** What a client address is read from: Node's request (`IncomingMessage`) and Express's satisfy it. */
export interface AddressedRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly socket?: { readonly remoteAddress?: string };
}

/**
 * The proxies whose `X-Forwarded-For` is believed: addresses, CIDR ranges (`10.0.0.0/8`) or the names
 * `loopback`, `linklocal`, `uniquelocal`. Empty: only the socket's address counts.
 */
export class TrustedProxies {
  private readonly list = new BlockList();
  readonly empty: boolean;

  constructor(entries: readonly string[]) {
    this.empty = entries.length === 0;
    for (const entry of entries) this.add(entry.trim());
  }

  trusts(address: string): boolean {
    const plain = unmapped(address);
    const family = isIP(plain);
    if (family === 0) return false;
    return this.list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
  }

  private add(entry: string): void {
    const named = namedRanges.get(entry);
    if (named !== undefined) {
      for (const [network, prefix, type] of named) this.list.addSubnet(network, prefix, type);
      return;
    }
    const [address, prefixText] = entry.split('/', 2) as [string, string | undefined];
    const family = isIP(address);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    const prefix = prefixText === undefined ? (family === 4 ? 32 : 128) : Number(prefixText);
    if (family === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) {
      throw new PlatformConfigError(`trusted proxy "${entry}" is not an address, a CIDR range or one of ${[...namedRanges.keys()].join(', ')}`);
    }
    this.list.addSubnet(address, prefix, type);
  }
}

/**
 * The client's address: the socket's peer, or, when that peer is a trusted proxy, the last address of
 * `X-Forwarded-For` that is not a trusted proxy (each proxy appends the address it was reached from, so
 * entries left of the first untrusted one may be forged and are ignored). `'unknown'` if the socket is gone.
 */
export function clientAddress(req: AddressedRequest, trusted: TrustedProxies): string {
  let address = unmapped(req.socket?.remoteAddress ?? 'unknown');
  if (trusted.empty || !trusted.trusts(address)) return address;
  const header = req.headers['x-forwarded-for'];
  const chain = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',');
  for (let i = chain.length - 1; i >= 0; i--) {
    const hop = unmapped(chain[i]!.trim());
    if (isIP(hop) === 0) return address; // garbage: stop at the last address we could verify
    address = hop;
    if (!trusted.trusts(hop)) return hop;
  }
  return address;
}

/** `::ffff:1.2.3.4` (IPv4 on a dual-stack socket) → `1.2.3.4`. */
function unmapped(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}
