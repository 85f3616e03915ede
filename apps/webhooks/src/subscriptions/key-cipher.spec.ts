import { KeyCipher } from './key-cipher';

describe('KeyCipher', () => {
  it('round-trips, never stores the plain key, and uses a fresh IV each time', () => {
    const cipher = new KeyCipher('a-secret-of-enough-length');
    const a = cipher.encrypt('my-signature-key');
    const b = cipher.encrypt('my-signature-key');
    expect(a).not.toContain('my-signature-key');
    expect(a).not.toBe(b);
    expect(cipher.decrypt(a)).toBe('my-signature-key');
  });

  it('refuses values from another secret, tampered values and plain text', () => {
    const stored = new KeyCipher('a-secret-of-enough-length').encrypt('k');
    expect(() => new KeyCipher('another-secret-value-x').decrypt(stored)).toThrow('cannot be decrypted');
    const tampered = `${stored.slice(0, -2)}${stored.endsWith('A') ? 'B' : 'A'}A`;
    expect(() => new KeyCipher('a-secret-of-enough-length').decrypt(tampered)).toThrow();
    expect(() => new KeyCipher('a-secret-of-enough-length').decrypt('plain')).toThrow('encrypted form');
  });
});
