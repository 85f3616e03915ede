import { InvalidSubscriptionError } from '../errors';
import { checkWebhookUrl, isPrivateAddress } from './url-policy';

describe('webhook URL policy', () => {
  const resolver = (map: Record<string, string[]>) => async (host: string) => map[host] ?? [];

  it('accepts public http(s) targets', async () => {
    await expect(checkWebhookUrl('https://hooks.example.com/in', false, resolver({ 'hooks.example.com': ['93.184.216.34'] }))).resolves.toBeInstanceOf(URL);
    await expect(checkWebhookUrl('http://93.184.216.34:8080/x', false)).resolves.toBeInstanceOf(URL);
  });

  it('refuses other schemes, credentials and garbage with a clear message', async () => {
    await expect(checkWebhookUrl('ftp://example.com/', true)).rejects.toThrow('url must use http or https');
    await expect(checkWebhookUrl('file:///etc/passwd', true)).rejects.toThrow('http or https');
    await expect(checkWebhookUrl('not a url', true)).rejects.toThrow(InvalidSubscriptionError);
    await expect(checkWebhookUrl('https://u:p@example.com/', true)).rejects.toThrow('credentials');
  });

  it('refuses loopback, private, link-local and mapped addresses unless allowed, also behind a name', async () => {
    for (const url of ['http://127.0.0.1/', 'http://10.1.2.3/', 'http://172.20.0.1/', 'http://192.168.1.1/', 'http://169.254.169.254/latest', 'http://[::1]/', 'http://[fe80::1]/', 'http://[::ffff:127.0.0.1]/', 'http://0.0.0.0/']) {
      await expect(checkWebhookUrl(url, false)).rejects.toThrow('loopback, private or link-local');
      await expect(checkWebhookUrl(url, true)).resolves.toBeInstanceOf(URL);
    }
    await expect(checkWebhookUrl('http://sneaky.example/', false, resolver({ 'sneaky.example': ['93.184.216.34', '10.0.0.5'] }))).rejects.toThrow('10.0.0.5');
    await expect(checkWebhookUrl('http://nowhere.example/', false, resolver({}))).rejects.toThrow('does not resolve');
  });

  it('classifies addresses', () => {
    expect(isPrivateAddress('8.8.8.8')).toBe(false);
    expect(isPrivateAddress('2001:4860:4860::8888')).toBe(false);
    expect(isPrivateAddress('100.64.0.1')).toBe(true);
    expect(isPrivateAddress('fd00::1')).toBe(true);
  });
});
