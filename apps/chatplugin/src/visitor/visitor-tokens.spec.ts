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

  it('round-trips visitor and resume tokens', () => {
    expect(tokens.verifyVisitorToken(tokens.issueVisitorToken(identity))).toEqual(identity);
    expect(tokens.verifyResumeToken(tokens.issueResumeToken(identity))).toEqual(identity);
  });

  it('verifies tokens issued by another instance with the same secret (restarts, replicas)', () => {
    const other = new VisitorTokens({ secret, now: () => now });
    expect(tokens.verifyVisitorToken(other.issueVisitorToken(identity))).toEqual(identity);
  });

  it('never accepts one kind of token as the other', () => {
    expect(() => tokens.verifyVisitorToken(tokens.issueResumeToken(identity))).toThrow(VisitorAuthError);
    expect(() => tokens.verifyResumeToken(tokens.issueVisitorToken(identity))).toThrow(VisitorAuthError);
  });

  it('refuses tokens signed with another secret, tampered or malformed', () => {
    const foreign = new VisitorTokens({ secret: 'another-secret-0123456789', now: () => now });
    expect(() => tokens.verifyVisitorToken(foreign.issueVisitorToken(identity))).toThrow('invalid token');
    const [header, , signature] = tokens.issueVisitorToken(identity).split('.');
    const payload = Buffer.from(JSON.stringify({ aud: 'chatplugin.visitor', conversation_id: 'other', channel_id: 'channel-1' })).toString('base64url');
    expect(() => tokens.verifyVisitorToken(`${header}.${payload}.${signature}`)).toThrow('invalid token');
    expect(() => tokens.verifyVisitorToken('not-a-jwt')).toThrow(VisitorAuthError);
  });

  it('refuses expired tokens: visitor tokens after 1 h, resume tokens after 30 days by default', () => {
    const visitor = tokens.issueVisitorToken(identity);
    const resume = tokens.issueResumeToken(identity);
    now += 60 * 60 * 1000 + 1000;
    expect(() => tokens.verifyVisitorToken(visitor)).toThrow('token expired');
    expect(tokens.verifyResumeToken(resume)).toEqual(identity);
    now += 30 * 24 * 60 * 60 * 1000;
    expect(() => tokens.verifyResumeToken(resume)).toThrow('token expired');
  });

  it('refuses a well-signed token without the identity claims', () => {
    const token = signJwt({ aud: 'chatplugin.visitor', conversation_id: 'c' }, secret, { now });
    expect(() => tokens.verifyVisitorToken(token)).toThrow('invalid token');
  });

  it('reads bearer tokens from an Authorization header', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer  abc')).toBe('abc');
    expect(bearerToken(['Bearer x', 'Bearer y'])).toBe('x');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
