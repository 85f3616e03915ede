import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { InvalidSubscriptionError } from '../errors';

/** Addresses a subscription may not reach unless configuration allows it (loopback, private, link-local, unspecified, CGNAT, multicast, reserved). */
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) blocked.addSubnet(net, prefix, 'ipv6');

export const maxWebhookUrlLength = 2048;

/** True for an address a subscription must not reach without `WEBHOOKS_ALLOW_PRIVATE_TARGETS`. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family !== 6) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1] !== undefined) return blocked.check(mapped[1], 'ipv4');
  return blocked.check(address, 'ipv6');
}

/** A parsed http(s) URL without credentials, or InvalidSubscriptionError (400) saying what is wrong. */
export function parseWebhookUrl(text: string): URL {
  if (text.length > maxWebhookUrlLength) throw new InvalidSubscriptionError(`url must be at most ${maxWebhookUrlLength} characters`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidSubscriptionError('url must be an absolute http or https URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidSubscriptionError('url must use http or https');
  if (url.username !== '' || url.password !== '') throw new InvalidSubscriptionError('url must not carry credentials (use headers)');
  if (url.hostname === '') throw new InvalidSubscriptionError('url must name a host');
  return url;
}

/**
 * Validates a subscription URL: http(s) only, and unless `allowPrivate`, a host that resolves only
 * to public addresses (every address it resolves to is checked). Delivery checks the address again
 * when it connects (see `guardedLookup`), so a name re-pointed later cannot reach the cluster either.
 */
export async function checkWebhookUrl(text: string, allowPrivate: boolean, resolve: (host: string) => Promise<readonly string[]> = resolveAll): Promise<URL> {
  const url = parseWebhookUrl(text);
  if (allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: readonly string[];
  try {
    addresses = isIP(host) !== 0 ? [host] : await resolve(host);
  } catch {
    throw new InvalidSubscriptionError(`url host ${host} does not resolve`);
  }
  if (addresses.length === 0) throw new InvalidSubscriptionError(`url host ${host} does not resolve`);
  const refused = addresses.find(isPrivateAddress);
  if (refused !== undefined) throw new InvalidSubscriptionError(`url host ${host} is a loopback, private or link-local address (${refused}); such targets are refused`);
  return url;
}

async function resolveAll(host: string): Promise<readonly string[]> {
  return (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
}
