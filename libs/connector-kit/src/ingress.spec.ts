import { Readable } from 'node:stream';
import { WebhookRejectedError } from './errors';
import { formValue, parseForm } from './form';
import { calledUrl } from './public-url';
import { RawIngress, readBoundedBody } from './raw-ingress';
import { parseSecretKeys, SecretBox } from './secret-box';

describe('calledUrl', () => {
  const request = { target: '/twilio?a=1&b=%20', headers: { host: '10.0.0.5:3004', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'chat.example.com, proxy' }, encrypted: false };
  it('uses the public URL when configured, keeping path and query byte for byte', () => {
    expect(calledUrl(request, { publicUrl: 'https://example.com/platform/' })).toBe('https://example.com/platform/twilio?a=1&b=%20');
  });
  it('otherwise the forwarded scheme and host, or the Host header when not trusted', () => {
    expect(calledUrl(request)).toBe('https://chat.example.com/twilio?a=1&b=%20');
    expect(calledUrl(request, { trustForwardedHeaders: false })).toBe('http://10.0.0.5:3004/twilio?a=1&b=%20');
  });
});

describe('parseForm', () => {
  it('keeps repeated names as arrays in a prototype-free object', () => {
    const params = parseForm('MediaUrl=a&MediaUrl=b&Body=hi+there&To=%2B1');
    expect(Object.getPrototypeOf(params)).toBeNull();
    expect({ ...params }).toEqual({ MediaUrl: ['a', 'b'], Body: 'hi there', To: '+1' });
    expect(formValue(params, 'toString')).toBeUndefined();
  });
  it.each(['__proto__=x', 'constructor=x', 'prototype=x'])('refuses %s with 400', (body) => {
    expect(() => parseForm(body)).toThrow(expect.objectContaining({ status: 400 }));
  });
});

describe('readBoundedBody and RawIngress', () => {
  it('refuses a body over the limit with 413', async () => {
    await expect(readBoundedBody(Readable.from([Buffer.alloc(6), Buffer.alloc(6)]), 10)).rejects.toMatchObject({ status: 413 });
    expect((await readBoundedBody(Readable.from([Buffer.from('abc')]), 3)).toString()).toBe('abc');
  });
  it('writes the body untouched after the verifier accepted it, and nothing when it refused', async () => {
    const written: unknown[][] = [];
    const sink = { writeRaw: async (...args: unknown[]) => written.push(args) };
    let urlSeen = '';
    const ingress = new RawIngress({ topic: 'source.x.events', sink, publicUrl: 'https://pub.example', verifier: { verify: (w) => {
      urlSeen = w.url;
      if (w.headers['x-sig'] !== 'ok') throw new WebhookRejectedError(403, 'bad signature');
      return { key: 'k', placementKey: 'conv' };
    } } });
    const body = Buffer.from('A=1&B=2');
    await expect(ingress.accept({ target: '/x', headers: {}, encrypted: false, body })).rejects.toMatchObject({ status: 403 });
    await ingress.accept({ target: '/x?q=1', headers: { 'x-sig': 'ok' }, encrypted: false, body });
    expect(urlSeen).toBe('https://pub.example/x?q=1');
    expect(written).toEqual([['source.x.events', 'k', body, 'conv']]);
  });
  it("writes the verifier's record instead of the body when it gives one (an API connector's envelope, no signed URL), and answers what it wrote", async () => {
    const written: unknown[][] = [];
    const sink = { writeRaw: async (...args: unknown[]) => written.push(args) };
    const ingress = new RawIngress({ topic: 'source.chat.events', sink, signedUrl: false, verifier: { verify: async (w) => {
      // No signature over a URL: the request target stands for it, and a request without Host is fine.
      expect(w.url).toBe('/chat.send');
      if (w.headers.authorization !== 'Bearer good') throw new WebhookRejectedError(401, 'invalid token');
      return { key: 'event-1', placementKey: 'conv', record: Buffer.from(`{"who":"visitor","posted":${w.body.toString()}}`) };
    } } });
    const body = Buffer.from('{"message":{"text":"hi"}}');
    await expect(ingress.accept({ target: '/chat.send', headers: { authorization: 'Bearer bad' }, encrypted: false, body })).rejects.toMatchObject({ status: 401, message: 'invalid token' });
    expect(written).toEqual([]);
    const accepted = await ingress.accept({ target: '/chat.send', headers: { authorization: 'Bearer good' }, encrypted: false, body });
    const record = Buffer.from('{"who":"visitor","posted":{"message":{"text":"hi"}}}');
    expect(written).toEqual([['source.chat.events', 'event-1', record, 'conv']]);
    expect(accepted).toEqual({ key: 'event-1', placementKey: 'conv', record });
  });
});

describe('SecretBox', () => {
  const k1 = Buffer.alloc(32, 1).toString('base64');
  const k2 = Buffer.alloc(32, 2).toString('base64');
  it('seals with the first key, opens with any, and binds the value to its purpose', () => {
    const old = new SecretBox(parseSecretKeys(`k1:${k1}`));
    const sealed = old.seal('auth-token', 'channel-1');
    expect(sealed).not.toContain('auth-token');
    const rotated = new SecretBox(parseSecretKeys(`k2:${k2},k1:${k1}`));
    expect(rotated.open(sealed, 'channel-1')).toBe('auth-token');
    expect(rotated.needsResealing(sealed)).toBe(true);
    expect(() => rotated.open(sealed, 'channel-2')).toThrow(/another purpose/);
    expect(() => new SecretBox(parseSecretKeys(`k2:${k2}`)).open(sealed, 'channel-1')).toThrow(/not configured/);
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('AA') ? 'BB' : 'AA');
    expect(() => old.open(tampered, 'channel-1')).toThrow();
  });
  it('refuses keys that are not 32 bytes', () => {
    expect(() => new SecretBox(parseSecretKeys(`k:${Buffer.alloc(16).toString('base64')}`))).toThrow(/32 bytes/);
  });
});
