/**
 * Secrets: merchant API keys and portal session tokens. Only their SHA-256 hash is ever stored;
 * a request is authenticated by looking the hash up, so the secret is never compared byte by byte.
 */
import { createHash } from 'node:crypto';
import type { Mode } from '@dodo-portal/wire/schemas';
import type { Random } from './ports.ts';

const SECRET_BYTES = 32;
const BASE64URL_32 = '[A-Za-z0-9_-]{43}';
const API_KEY = new RegExp(`^sk_(test|live)_${BASE64URL_32}$`);
const SESSION_TOKEN = new RegExp(`^dps_${BASE64URL_32}$`);
const MAGIC_CODE = new RegExp(`^dpm_${BASE64URL_32}$`);
const UNIFIED_TOKEN = new RegExp(`^dpu_${BASE64URL_32}$`);
const UNIFIED_CODE = new RegExp(`^dpx_${BASE64URL_32}$`);

export const hashSecret = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

const randomSecret = (random: Random): string => Buffer.from(random.bytes(SECRET_BYTES)).toString('base64url');

export interface GeneratedApiKey {
  secret: string;
  hash: string;
  /** What a dashboard may show: `sk_test_AbCd…`. */
  displayPrefix: string;
  mode: Mode;
}

export function generateApiKey(mode: Mode, random: Random): GeneratedApiKey {
  const secret = `sk_${mode}_${randomSecret(random)}`;
  return { secret, hash: hashSecret(secret), displayPrefix: `${secret.slice(0, `sk_${mode}_`.length + 4)}…`, mode };
}

/** The mode a well-formed API key belongs to, or null for anything that is not one. */
export function apiKeyMode(secret: string): Mode | null {
  const match = API_KEY.exec(secret);
  return match ? (match[1] as Mode) : null;
}

export interface GeneratedSessionToken {
  token: string;
  hash: string;
}

export function generateSessionToken(random: Random): GeneratedSessionToken {
  const token = `dps_${randomSecret(random)}`;
  return { token, hash: hashSecret(token) };
}

export const isSessionTokenShape = (token: string): boolean => SESSION_TOKEN.test(token);

/** A one-time magic-link code: 256 random bits, like a session token, stored only as its hash. */
export function generateMagicCode(random: Random): GeneratedSessionToken {
  const token = `dpm_${randomSecret(random)}`;
  return { token, hash: hashSecret(token) };
}

export const isMagicCodeShape = (code: string): boolean => MAGIC_CODE.test(code);

/**
 * The unified portal's session token (`dpu_…`) and sign-in code (`dpx_…`): same strength, other
 * prefixes, so a unified token is never mistaken for a business-scoped one, or the other way round.
 */
export function generateUnifiedToken(random: Random): GeneratedSessionToken {
  const token = `dpu_${randomSecret(random)}`;
  return { token, hash: hashSecret(token) };
}

export const isUnifiedTokenShape = (token: string): boolean => UNIFIED_TOKEN.test(token);

export function generateUnifiedCode(random: Random): GeneratedSessionToken {
  const token = `dpx_${randomSecret(random)}`;
  return { token, hash: hashSecret(token) };
}

export const isUnifiedCodeShape = (code: string): boolean => UNIFIED_CODE.test(code);
