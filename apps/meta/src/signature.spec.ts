import { handshakeChallenge, hubSignature, isValidHubSignature } from './signature';

// The computed vector of reference protocols §6.1.
describe('X-Hub-Signature-256 and the verification handshake', () => {
  const body = Buffer.from('{"object":"page","entry":[]}');

  it('matches the reference vector and refuses a changed body, another secret or a malformed header', () => {
    expect(hubSignature('appsecret', body)).toBe('sha256=0e9e0080a310f376450c46d999aa4d49ed772bfe43c13205f38a3a6e6611ed2b');
    expect(isValidHubSignature('appsecret', body, 'sha256=0e9e0080a310f376450c46d999aa4d49ed772bfe43c13205f38a3a6e6611ed2b')).toBe(true);
    expect(isValidHubSignature('appsecret', Buffer.from('{"object":"page","entry":[] }'), hubSignature('appsecret', body))).toBe(false);
    expect(isValidHubSignature('other', body, hubSignature('appsecret', body))).toBe(false);
    expect(isValidHubSignature('appsecret', body, 'sha1=0e9e')).toBe(false);
    expect(isValidHubSignature('appsecret', body, undefined)).toBe(false);
  });

  it('echoes the challenge only for mode subscribe and the configured token', () => {
    expect(handshakeChallenge('tok', { mode: 'subscribe', token: 'tok', challenge: '1158201444' })).toBe('1158201444');
    expect(handshakeChallenge('tok', { mode: 'subscribe', token: 'tak', challenge: '1' })).toBeUndefined();
    expect(handshakeChallenge('tok', { mode: 'unsubscribe', token: 'tok', challenge: '1' })).toBeUndefined();
    expect(handshakeChallenge(undefined, { mode: 'subscribe', token: 'tok', challenge: '1' })).toBeUndefined();
    expect(handshakeChallenge('tok', { mode: 'subscribe', token: ['tok'], challenge: '1' })).toBeUndefined();
  });
});
