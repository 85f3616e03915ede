import { createHmac } from 'node:crypto';
import { AuthConfigError, TokenClaimsError } from './errors';
import { signJwt, verifyJwt, type JwtClaims } from './jwt';

const secret = 'a-test-secret-of-enough-length';
const t0 = Date.UTC(2030, 0, 1);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const sign = (input: string, key = secret) => createHmac('sha256', key).update(input).digest('base64url');

describe('signJwt / verifyJwt', () => {
  it('round-trips the claims and sets iat and exp', async () => {
    const token = await signJwt({ sub: 'u1', name: 'Ada', role: 'agent' }, secret, { expiresInSeconds: 60, now: t0 });
    const result = await verifyJwt(token, secret, { now: t0 + 1000 });
    expect(result).toEqual({
      ok: true,
      claims: { sub: 'u1', name: 'Ada', role: 'agent', iat: t0 / 1000, exp: t0 / 1000 + 60 },
    });
  });

  it('writes a standard HS256 header and signature (interoperable with other JWT libraries)', async () => {
    const token = await signJwt({ sub: 'u1' }, secret, { now: t0 });
    const [header, payload, signature] = token.split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(signature).toBe(sign(`${header}.${payload}`));
  });

  it('accepts a token signed elsewhere with the same secret', async () => {
    const input = `${b64({ alg: 'HS256' })}.${b64({ sub: 'ext' })}`;
    expect(await verifyJwt(`${input}.${sign(input)}`, secret)).toEqual({ ok: true, claims: { sub: 'ext' } });
  });

  it('refuses a tampered payload', async () => {
    const [header, , signature] = (await signJwt({ sub: 'u1' }, secret)).split('.');
    const forged = `${header}.${b64({ sub: 'admin' })}.${signature}`;
    expect(await verifyJwt(forged, secret)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a token signed with another secret', async () => {
    const token = await signJwt({ sub: 'u1' }, 'another-secret-of-enough-length');
    expect(await verifyJwt(token, secret)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a signature with a flipped bit or a different length', async () => {
    const token = await signJwt({ sub: 'u1' }, secret);
    const [header, payload, signature] = token.split('.');
    const bytes = Buffer.from(signature, 'base64url');
    bytes[0] ^= 1;
    expect(await verifyJwt(`${header}.${payload}.${bytes.toString('base64url')}`, secret)).toEqual({ ok: false, reason: 'bad_signature' });
    const short = bytes.subarray(0, 16).toString('base64url');
    expect(await verifyJwt(`${header}.${payload}.${short}`, secret)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses alg "none" even with an empty signature', async () => {
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'admin' })}.`;
    expect(await verifyJwt(token, secret)).toEqual({ ok: false, reason: 'unsupported_algorithm' });
  });

  it('refuses other algorithms and critical header extensions even when the HMAC matches', async () => {
    for (const header of [{ alg: 'HS512' }, { alg: 'RS256' }, { alg: 'hs256' }, { alg: 'HS256', crit: ['b64'] }]) {
      const input = `${b64(header)}.${b64({ sub: 'u1' })}`;
      expect(await verifyJwt(`${input}.${sign(input)}`, secret)).toEqual({ ok: false, reason: 'unsupported_algorithm' });
    }
  });

  it('refuses an expired token and accepts it within the clock tolerance', async () => {
    const token = await signJwt({ sub: 'u1' }, secret, { expiresInSeconds: 60, now: t0 });
    expect(await verifyJwt(token, secret, { now: t0 + 60_000 })).toEqual({ ok: false, reason: 'expired' });
    expect((await verifyJwt(token, secret, { now: t0 + 61_000, clockToleranceSeconds: 5 })).ok).toBe(true);
  });

  it('refuses a token before nbf', async () => {
    const token = await signJwt({ sub: 'u1', nbf: t0 / 1000 + 30 }, secret, { now: t0 });
    expect(await verifyJwt(token, secret, { now: t0 })).toEqual({ ok: false, reason: 'not_yet_valid' });
    expect((await verifyJwt(token, secret, { now: t0 + 30_000 })).ok).toBe(true);
  });

  it('checks the audience when asked to', async () => {
    const single = await signJwt({ sub: 'u1', aud: 'api' }, secret);
    const several = await signJwt({ sub: 'u1', aud: ['web', 'api'] }, secret);
    const none = await signJwt({ sub: 'u1' }, secret);
    expect((await verifyJwt(single, secret, { audience: 'api' })).ok).toBe(true);
    expect((await verifyJwt(several, secret, { audience: 'api' })).ok).toBe(true);
    expect(await verifyJwt(single, secret, { audience: 'admin' })).toEqual({ ok: false, reason: 'wrong_audience' });
    expect(await verifyJwt(none, secret, { audience: 'api' })).toEqual({ ok: false, reason: 'wrong_audience' });
    expect((await verifyJwt(single, secret)).ok).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['two parts', 'a.b'],
    ['four parts', 'a.b.c.d'],
    ['header not JSON', `${Buffer.from('{').toString('base64url')}.${b64({})}.x`],
    ['payload an array', `${b64({ alg: 'HS256' })}.${b64([1])}.x`],
    ['not base64url', `${b64({ alg: 'HS256' })}.${b64({})}.a+b/`],
    ['padded', `${b64({ alg: 'HS256' })}.${b64({})}.AA==`],
  ])('reports a malformed token (%s)', async (_name, token) => {
    expect(await verifyJwt(token, secret)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('reports correctly signed claims of the wrong type as malformed', async () => {
    const input = `${b64({ alg: 'HS256' })}.${b64({ sub: 1, exp: 'soon' })}`;
    expect(await verifyJwt(`${input}.${sign(input)}`, secret)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('throws configuration errors for weak secrets and bad options', async () => {
    await expect(signJwt({}, 'short')).rejects.toThrow(AuthConfigError);
    await expect(verifyJwt('a.b.c', '')).rejects.toThrow(AuthConfigError);
    await expect(signJwt({}, secret, { expiresInSeconds: 0 })).rejects.toThrow(AuthConfigError);
    await expect(signJwt({ exp: 'later' } as unknown as JwtClaims, secret)).rejects.toThrow(TokenClaimsError);
  });
});
