import { getExpectedTwilioSignature, validateRequest } from 'twilio';

// The verified vector of twilio-node's spec/validation.spec.js (reference protocols §5.2): the
// signature our verifier checks with validateRequest is Twilio's, over the URL and sorted parameters.
describe('X-Twilio-Signature', () => {
  const token = '12345';
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const params = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' };

  it('matches the reference vector', () => {
    expect(getExpectedTwilioSignature(token, url, params)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    expect(validateRequest(token, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', url, params)).toBe(true);
  });

  it('fails for another URL (a proxy that changed scheme or host) or a changed parameter', () => {
    expect(validateRequest(token, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', 'http://mycompany.com/myapp.php?foo=1&bar=2', params)).toBe(false);
    expect(validateRequest(token, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', url, { ...params, Digits: '1235' })).toBe(false);
  });
});
