import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { WebhooksError } from '../errors';

const prefix = 'aesgcm1:';

/**
 * Encrypts signature keys at rest (AES-256-GCM, a random 96-bit IV per value, the 128-bit tag
 * checked on decryption). The 32-byte key is HKDF-SHA256 of the configured secret, so any secret
 * text of at least 16 characters works. Stored form: `aesgcm1:<base64url(iv | tag | ciphertext)>`.
 */
export class KeyCipher {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.from('platform.webhooks'), Buffer.from('signature-key-at-rest'), 32));
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return prefix + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** The plain key; throws WebhooksError for a value not encrypted with this secret. */
  decrypt(stored: string): string {
    if (!stored.startsWith(prefix)) throw new WebhooksError('signature key is not in the encrypted form');
    const raw = Buffer.from(stored.slice(prefix.length), 'base64url');
    if (raw.length < 28) throw new WebhooksError('encrypted signature key is truncated');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    try {
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch (cause) {
      throw new WebhooksError('signature key cannot be decrypted with WEBHOOKS_ENCRYPTION_KEY', { cause });
    }
  }
}
