import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SecretBoxError } from './errors';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const keyIdPattern = /^[A-Za-z0-9_-]{1,32}$/;

/** One AES-256 key with the id written beside every value it seals. */
export interface SecretKey {
  readonly id: string;
  /** 32 bytes. */
  readonly key: Buffer;
}

/**
 * Seals provider credentials before they go into a topic (AES-256-GCM, random 96-bit IV, the key id
 * and the purpose as additional data): `v1:<key id>:<iv>:<tag>:<ciphertext>` (base64url). The first
 * key seals; every key opens, so rotation is: add a new key in front, re-seal (reconnect) the channels,
 * drop the old key once nothing sealed with it is left.
 */
export class SecretBox {
  private readonly keys = new Map<string, Buffer>();
  private readonly current: SecretKey;

  constructor(keys: readonly SecretKey[]) {
    if (keys.length === 0) throw new SecretBoxError('a secret box needs at least one key');
    for (const { id, key } of keys) {
      if (!keyIdPattern.test(id)) throw new SecretBoxError(`key id ${JSON.stringify(id)} must be 1-32 of [A-Za-z0-9_-]`);
      if (key.length !== 32) throw new SecretBoxError(`key ${id} must be 32 bytes, not ${key.length}`);
      if (this.keys.has(id)) throw new SecretBoxError(`key id ${id} is given twice`);
      this.keys.set(id, key);
    }
    this.current = keys[0]!;
  }

  /** `purpose` binds the sealed value to its use (e.g. the channel id): opening it for another purpose fails. */
  seal(plaintext: string, purpose: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(additionalData(this.current.id, purpose));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, this.current.id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join(':');
  }

  open(sealed: string, purpose: string): string {
    const parts = sealed.split(':');
    if (parts.length !== 5 || parts[0] !== VERSION) throw new SecretBoxError('sealed value is not in the v1 format');
    const [, keyId, iv, tag, ciphertext] = parts as [string, string, string, string, string];
    const key = this.keys.get(keyId);
    if (!key) throw new SecretBoxError(`sealed with key ${JSON.stringify(keyId)}, which is not configured`);
    const ivBytes = Buffer.from(iv, 'base64url');
    const tagBytes = Buffer.from(tag, 'base64url');
    if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) throw new SecretBoxError('sealed value is malformed');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, ivBytes);
      decipher.setAAD(additionalData(keyId, purpose));
      decipher.setAuthTag(tagBytes);
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch (cause) {
      throw new SecretBoxError('sealed value does not open with its key (tampered, or sealed for another purpose)', { cause });
    }
  }

  /** True when `sealed` was sealed with another key than the current one (re-seal it). */
  needsResealing(sealed: string): boolean {
    return sealed.split(':')[1] !== this.current.id;
  }
}

/**
 * Parses a key list from configuration: `id:base64key[,id:base64key…]`, first = current. Each key is
 * 32 random bytes (`openssl rand -base64 32`).
 */
export function parseSecretKeys(text: string): SecretKey[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const colon = entry.indexOf(':');
      if (colon <= 0) throw new SecretBoxError('each key is <id>:<base64 of 32 bytes>');
      return { id: entry.slice(0, colon), key: Buffer.from(entry.slice(colon + 1), 'base64') };
    });
}

function additionalData(keyId: string, purpose: string): Buffer {
  return Buffer.from(`${VERSION}:${keyId}:${purpose}`, 'utf8');
}
