/**
 * Secrets kept at rest under the server secret (`DODO_PORTAL_SECRET`), so a copy of the database
 * file alone reveals none of them. Two subkeys are derived from the server secret with HKDF-SHA256
 * (one per purpose, so neither key is ever used for two things):
 *   - encryption: AES-256-GCM, a fresh random 96-bit IV per value, the row's id as additional
 *     data (a ciphertext copied onto another row does not open there);
 *   - lookup: HMAC-SHA256 of the canonical value, so a row is found by what a customer types
 *     without storing anything that can be reversed or tested offline without the secret.
 * Sealed values are `v1.<base64url(iv ‖ ciphertext ‖ tag)>`; the version leaves room for rotation.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { Random } from './ports.ts';

/** The shortest server secret accepted (a generated one is 43 characters: 256 bits, base64url). */
export const MIN_SERVER_SECRET_LENGTH = 32;
const SALT = 'dodo-portal server secret v1';
const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface SecretBox {
  /** Encrypts `plaintext`, bound to `context` (e.g. the row id). */
  seal(plaintext: string, context: string): string;
  /** Decrypts what `seal` made with the same `context`; throws if it was altered or moved. */
  open(sealed: string, context: string): string;
  /** The keyed hash to look `value` up by (hex). */
  lookupHash(value: string): string;
}

export class ServerSecretError extends Error {
  override readonly name = 'ServerSecretError';
}

/** A new server secret: 256 random bits, base64url. */
export const generateServerSecret = (random: Random): string => Buffer.from(random.bytes(32)).toString('base64url');

const subkey = (secret: string, purpose: string) => Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), SALT, purpose, 32));

export function createSecretBox(secret: string): SecretBox {
  if (secret.trim().length < MIN_SERVER_SECRET_LENGTH) {
    throw new ServerSecretError(`DODO_PORTAL_SECRET must be at least ${MIN_SERVER_SECRET_LENGTH} characters (e.g. 32 random bytes, base64url).`);
  }
  const encryptionKey = subkey(secret, 'license-key encryption');
  const lookupKey = subkey(secret, 'license-key lookup');
  return {
    seal(plaintext, context) {
      // Always the system CSPRNG: an IV repeated under one GCM key breaks it, so no injected
      // (possibly deterministic, in tests) randomness here.
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', encryptionKey, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return `${VERSION}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
    },
    open(sealed, context) {
      const [version, payload] = sealed.split('.');
      if (version !== VERSION || payload === undefined) throw new ServerSecretError(`unknown sealed-value format "${version}"`);
      const bytes = Buffer.from(payload, 'base64url');
      if (bytes.length < IV_BYTES + TAG_BYTES) throw new ServerSecretError('sealed value is truncated');
      const decipher = createDecipheriv('aes-256-gcm', encryptionKey, bytes.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      try {
        return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        throw new ServerSecretError('sealed value does not open: another server secret, another row, or altered');
      }
    },
    lookupHash: (value) => createHmac('sha256', lookupKey).update(value, 'utf8').digest('hex'),
  };
}
