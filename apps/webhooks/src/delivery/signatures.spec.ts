import { Webhook } from 'standardwebhooks';
import { InvalidSubscriptionError } from '../errors';
import { airyContentSignature, checkSignatureKey, standardKeyBytes, standardSignature } from './signatures';

describe('signatures', () => {
  it('computes Airy\'s hex content signature (reference vector)', () => {
    const body = '{"type":"tag.updated","payload":{"id":"t1","name":"flag","color":"tag-red"},"timestamp":1700000000000}';
    expect(airyContentSignature('secret-key-for-hmac-header', body)).toBe('b294d9d6e36c05a1bcf45159eebb8c3296fff1d3a36dfd8b9f0d211abb709bb1');
  });

  it('computes the Standard Webhooks signature of the spec\'s vector', () => {
    const key = standardKeyBytes('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    expect(standardSignature(key, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('signs what the standardwebhooks library verifies, for whsec_ keys and raw keys', () => {
    const now = Math.floor(Date.now() / 1000);
    const body = '{"type":"message.created","payload":{},"timestamp":1}';
    const headers = (key: string) => ({ 'webhook-id': 'evt_1', 'webhook-timestamp': String(now), 'webhook-signature': standardSignature(standardKeyBytes(key), 'evt_1', now, body) });
    const whsec = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    expect(new Webhook(whsec).verify(body, headers(whsec))).toEqual(JSON.parse(body));
    expect(new Webhook(Buffer.from('plain-airy-key'), { format: 'raw' }).verify(body, headers('plain-airy-key'))).toEqual(JSON.parse(body));
    expect(() => new Webhook(whsec).verify(body, { ...headers(whsec), 'webhook-id': 'evt_2' })).toThrow();
  });

  it('refuses malformed keys', () => {
    expect(() => checkSignatureKey('short')).toThrow(InvalidSubscriptionError);
    expect(() => checkSignatureKey('whsec_not base64!')).toThrow('standard base64');
    expect(() => checkSignatureKey('whsec_AAAA')).toThrow('24 to 64 bytes');
    expect(() => checkSignatureKey('x'.repeat(1025))).toThrow('at most 1024');
    expect(() => checkSignatureKey('a-long-enough-key')).not.toThrow();
  });
});
