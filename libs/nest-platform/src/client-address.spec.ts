import { clientAddress, TrustedProxies } from './client-address';

const req = (remoteAddress: string, forwardedFor?: string | string[]) => ({
  socket: { remoteAddress },
  headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
});

describe('clientAddress', () => {
  it('uses the socket address when no proxy is trusted, whatever X-Forwarded-For says', () => {
    const none = new TrustedProxies([]);
    expect(clientAddress(req('203.0.113.7', '198.51.100.1'), none)).toBe('203.0.113.7');
    expect(clientAddress(req('::ffff:203.0.113.7'), none)).toBe('203.0.113.7');
  });

  it('behind a trusted proxy, takes the last untrusted hop of X-Forwarded-For', () => {
    const loopback = new TrustedProxies(['loopback']);
    expect(clientAddress(req('127.0.0.1', '198.51.100.1'), loopback)).toBe('198.51.100.1');
    // A client forging the header only prepends entries: the hop the gateway appended still wins.
    expect(clientAddress(req('127.0.0.1', '1.1.1.1, 198.51.100.1'), loopback)).toBe('198.51.100.1');
    expect(clientAddress(req('::1', ['1.1.1.1', '198.51.100.1, 127.0.0.1']), loopback)).toBe('198.51.100.1');
    // No header: the proxy itself.
    expect(clientAddress(req('127.0.0.1'), loopback)).toBe('127.0.0.1');
    // An untrusted peer's header is ignored.
    expect(clientAddress(req('203.0.113.7', '127.0.0.1'), loopback)).toBe('203.0.113.7');
    // Garbage stops the walk at the last address that was checked.
    expect(clientAddress(req('127.0.0.1', 'not-an-ip'), loopback)).toBe('127.0.0.1');
  });

  it('accepts addresses, CIDR ranges and names, and refuses anything else', () => {
    const trusted = new TrustedProxies(['10.0.0.0/8', '192.0.2.1', 'uniquelocal', 'fd00::/8']);
    expect(trusted.trusts('10.1.2.3')).toBe(true);
    expect(trusted.trusts('192.0.2.1')).toBe(true);
    expect(trusted.trusts('192.0.2.2')).toBe(false);
    expect(trusted.trusts('192.168.1.1')).toBe(true);
    expect(trusted.trusts('fd12::1')).toBe(true);
    expect(trusted.trusts('junk')).toBe(false);
    expect(() => new TrustedProxies(['10.0.0.0/33'])).toThrow('trusted proxy "10.0.0.0/33"');
    expect(() => new TrustedProxies(['proxy.local'])).toThrow('not an address');
  });
});
