import { Authenticator } from './authenticator';
import { AuthConfigError } from './errors';
import { signJwt } from './jwt';
import { generateSecret } from './secrets';
import { checkSystemToken } from './system-token';
import { issueUserToken } from './user-token';

const systemToken = 'system-token-0123456789';
const jwtSecret = 'jwt-secret-0123456789abcdef';
const t0 = Date.UTC(2030, 0, 1);

describe('Authenticator', () => {
  const auth = new Authenticator({ systemToken, jwtSecret, now: () => t0 });

  it('accepts the system token', async () => {
    expect(await auth.authenticate(`Bearer ${systemToken}`)).toEqual({ ok: true, principal: { kind: 'system' } });
    expect(await auth.authenticate(`bearer ${systemToken}`)).toEqual({ ok: true, principal: { kind: 'system' } });
  });

  it('accepts a user JWT with its subject and name', async () => {
    const token = await signJwt({ sub: 'user-1', name: 'Ada' }, jwtSecret, { now: t0, expiresInSeconds: 60 });
    expect(await auth.authenticate(`Bearer ${token}`)).toEqual({
      ok: true,
      principal: { kind: 'user', userId: 'user-1', name: 'Ada' },
    });
  });

  it('refuses a missing header, another scheme, a bare token and a wrong token', async () => {
    expect(await auth.authenticate(undefined)).toEqual({ ok: false, message: 'missing Authorization header' });
    expect(await auth.authenticate('')).toEqual({ ok: false, message: 'missing Authorization header' });
    expect((await auth.authenticate(`Basic ${systemToken}`)).ok).toBe(false);
    expect((await auth.authenticate(systemToken)).ok).toBe(false);
    expect(await auth.authenticate('Bearer ')).toEqual({ ok: false, message: 'Authorization header must be "Bearer <token>"' });
    expect(await auth.authenticate(`Bearer ${systemToken}x`)).toEqual({ ok: false, message: 'invalid token' });
  });

  it('refuses an expired JWT, a JWT without subject and one signed with the system token', async () => {
    const expired = await signJwt({ sub: 'u' }, jwtSecret, { now: t0 - 120_000, expiresInSeconds: 60 });
    expect(await auth.authenticate(`Bearer ${expired}`)).toEqual({ ok: false, message: 'token expired' });
    const noSub = await signJwt({ name: 'x' }, jwtSecret, { now: t0 });
    expect(await auth.authenticate(`Bearer ${noSub}`)).toEqual({ ok: false, message: 'invalid token: no subject' });
    const wrongKey = await signJwt({ sub: 'u' }, systemToken, { now: t0 });
    expect(await auth.authenticate(`Bearer ${wrongKey}`)).toEqual({ ok: false, message: 'invalid token' });
  });

  it('checks the audience when configured', async () => {
    const scoped = new Authenticator({ systemToken, jwtSecret, audience: 'chat-api', now: () => t0 });
    const good = await signJwt({ sub: 'u', aud: 'chat-api' }, jwtSecret, { now: t0 });
    const other = await signJwt({ sub: 'u', aud: 'other' }, jwtSecret, { now: t0 });
    expect((await scoped.authenticate(`Bearer ${good}`)).ok).toBe(true);
    expect(await scoped.authenticate(`Bearer ${other}`)).toEqual({ ok: false, message: 'token not meant for this API' });
  });

  it('refuses weak configuration at construction', async () => {
    expect(() => new Authenticator({ systemToken: '', jwtSecret })).toThrow(AuthConfigError);
    expect(() => new Authenticator({ systemToken, jwtSecret: 'short' })).toThrow(AuthConfigError);
  });
});

describe('issueUserToken', () => {
  it('issues a token the Authenticator accepts', async () => {
    const secret = generateSecret();
    const token = await issueUserToken(secret, 'agent-7', 'Grace', 300);
    const result = await new Authenticator({ systemToken: generateSecret(), jwtSecret: secret }).authenticate(`Bearer ${token}`);
    expect(result).toEqual({ ok: true, principal: { kind: 'user', userId: 'agent-7', name: 'Grace' } });
  });
});

describe('checkSystemToken', () => {
  it('matches only the exact token', async () => {
    expect(checkSystemToken(systemToken, systemToken)).toBe(true);
    expect(checkSystemToken(systemToken.slice(0, -1), systemToken)).toBe(false);
    expect(checkSystemToken(`${systemToken}0`, systemToken)).toBe(false);
    expect(checkSystemToken(undefined, systemToken)).toBe(false);
    expect(checkSystemToken('', '')).toBe(false);
  });
});

describe('generateSecret', () => {
  it('returns distinct base64url strings of the requested entropy', async () => {
    const a = generateSecret();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateSecret()).not.toBe(a);
    expect(Buffer.from(generateSecret(48), 'base64url')).toHaveLength(48);
  });
});
