import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/**
 * Encrypts channel secrets (mailbox passwords, Twilio auth tokens) at rest with AES-256-GCM and the
 * key from SECRETS_KEY. The stored form `v1:<iv>:<tag>:<ciphertext>` (base64url) names its version
 * so the key or algorithm can change later without guessing what an old row holds. Injectable
 * everywhere (AppConfigModule provides it from the configuration).
 */
export class SecretBox {
  private readonly key: Buffer;

  /** `secretsKey`: 32 bytes in base64, as SECRETS_KEY. */
  constructor(secretsKey: string) {
    this.key = Buffer.from(secretsKey, 'base64');
    if (this.key.length !== 32) throw new Error('SECRETS_KEY must be 32 bytes');
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), data].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join(':');
  }

  /** Throws when the value was not sealed with this key (tampered, or the key changed). */
  open(sealed: string): string {
    const [version, iv, tag, data] = sealed.split(':');
    if (version !== VERSION || !iv || !tag || data === undefined) throw new Error('Not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }
}
