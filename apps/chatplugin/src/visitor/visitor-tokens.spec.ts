import { signJwt } from '@platform/auth';
import { VisitorAuthError } from '../errors';
import { bearerToken, VisitorTokens } from './visitor-tokens';

const secret = 'chatplugin-secret-0123456789';
const identity = { channelId: 'channel-1', conversationId: 'conversation-1' };

describe('VisitorTokens', () => {
  let now = 1_700_000_000_000;
  const tokens = new VisitorTokens({ secret, now: () => now });
  beforeEach(() => {
    now = 1_700_000_000_000;
  });

  it('round-trips visitor and resume tokens', async () => {
    expect(await tokens.verifyVisitorToken(await tokens.issueVisitorToken(identity))).toEqual(identity);
    expect(await tokens.verifyResumeToken(await tokens.issueResumeToken(identity))).toEqual(identity);
  });

  it('verifies tokens issued by another instance with the same secret (restarts, replicas)', async () => {
    const other = new VisitorTokens({ secret, now: () => now });
    expect(await tokens.verifyVisitorToken(await other.issueVisitorToken(identity))).toEqual(identity);
  });

  it('never accepts one kind of token as the other', async () => {
    await expect(tokens.verifyVisitorToken(await tokens.issueResumeToken(identity))).rejects.toThrow(VisitorAuthError);
    await expect(tokens.verifyResumeToken(await tokens.issueVisitorToken(identity))).rejects.toThrow(VisitorAuthError);
  });

  it('refuses tokens signed with another secret, tampered or malformed', async () => {
    const foreign = new VisitorTokens({ secret: 'another-secret-0123456789', now: () => now });
    await expect(tokens.verifyVisitorToken(await foreign.issueVisitorToken(identity))).rejects.toThrow('invalid token');
    const [header, , signature] = (await tokens.issueVisitorToken(identity)).split('.');
    const payload = Buffer.from(JSON.stringify({ aud: 'chatplugin.visitor', conversation_id: 'other', channel_id: 'channel-1' })).toString('base64url');
    await expect(tokens.verifyVisitorToken(`${header}.${payload}.${signature}`)).rejects.toThrow('invalid token');
    await expect(tokens.verifyVisitorToken('not-a-jwt')).rejects.toThrow(VisitorAuthError);
  });

  it('refuses expired tokens: visitor tokens after 1 h, resume tokens after 30 days by default', async () => {
    const visitor = await tokens.issueVisitorToken(identity);
    const resume = await tokens.issueResumeToken(identity);
    now += 60 * 60 * 1000 + 1000;
    await expect(tokens.verifyVisitorToken(visitor)).rejects.toThrow('token expired');
    expect(await tokens.verifyResumeToken(resume)).toEqual(identity);
    now += 30 * 24 * 60 * 60 * 1000;
    await expect(tokens.verifyResumeToken(resume)).rejects.toThrow('token expired');
  });

  it('refuses a well-signed token without the identity claims', async () => {
    const token = await signJwt({ aud: 'chatplugin.visitor', conversation_id: 'c' }, secret, { now });
    await expect(tokens.verifyVisitorToken(token)).rejects.toThrow('invalid token');
  });

  it('reads bearer tokens from an Authorization header', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer  abc')).toBe('abc');
    expect(bearerToken(['Bearer x', 'Bearer y'])).toBe('x');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
