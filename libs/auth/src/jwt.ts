import { createHmac, timingSafeEqual } from 'node:crypto';
import { AuthConfigError, TokenClaimsError } from './errors';
import { decodeBase64Url, encodeBase64Url } from './internals/base64url';
import { requireSecret } from './internals/secret-check';

/** Registered claims this library reads, plus any application claims. Times are epoch seconds. */
export interface JwtClaims {
  sub?: string;
  name?: string;
  aud?: string | string[];
  iss?: string;
  iat?: number;
  nbf?: number;
  exp?: number;
  [claim: string]: unknown;
}

export interface SignJwtOptions {
  /** Sets `exp` to `iat + expiresInSeconds`. Without it (and without an `exp` claim) the token never expires. */
  expiresInSeconds?: number;
  /** Epoch milliseconds used for `iat`/`exp`; default `Date.now()`. */
  now?: number;
}

export interface VerifyJwtOptions {
  /** When set, the token's `aud` (a string or an array) must contain it. */
  audience?: string;
  /** Epoch milliseconds to check `exp`/`nbf` against; default `Date.now()`. */
  now?: number;
  /** Seconds of clock difference tolerated on `exp` and `nbf`; default 0. */
  clockToleranceSeconds?: number;
}

/** Why a token was refused. */
export type JwtFailureReason =
  | 'malformed'
  | 'unsupported_algorithm'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_audience';

export type JwtVerifyResult = { ok: true; claims: JwtClaims } | { ok: false; reason: JwtFailureReason };

const algorithm = 'HS256';
const encodedHeader = encodeBase64Url(JSON.stringify({ alg: algorithm, typ: 'JWT' }));
const numericClaims = ['iat', 'nbf', 'exp'] as const;

/** Signs `claims` as a compact HS256 JWT. `iat` is set unless present. */
export function signJwt(claims: JwtClaims, secret: string, options: SignJwtOptions = {}): string {
  requireSecret(secret, 'the JWT secret');
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  const payload: JwtClaims = { ...claims, iat: claims.iat ?? nowSeconds };
  if (options.expiresInSeconds !== undefined) {
    if (!Number.isFinite(options.expiresInSeconds) || options.expiresInSeconds <= 0) {
      throw new AuthConfigError(`expiresInSeconds must be a positive number, got ${options.expiresInSeconds}`);
    }
    payload.exp = (payload.iat as number) + Math.ceil(options.expiresInSeconds);
  }
  checkClaimTypes(payload);
  let json: string;
  try {
    json = JSON.stringify(payload);
  } catch (cause) {
    throw new TokenClaimsError('JWT claims are not JSON-serializable', { cause });
  }
  const signingInput = `${encodedHeader}.${encodeBase64Url(json)}`;
  return `${signingInput}.${encodeBase64Url(hmac(signingInput, secret))}`;
}

/**
 * Verifies a compact HS256 JWT. Only `alg: HS256` is accepted (`none` and every other algorithm are
 * refused before the signature is looked at); the signature is compared in constant time; `exp`, `nbf`
 * and the audience are checked only once the signature is valid.
 */
export function verifyJwt(token: string, secret: string, options: VerifyJwtOptions = {}): JwtVerifyResult {
  requireSecret(secret, 'the JWT secret');
  const parts = typeof token === 'string' ? token.split('.') : [];
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  const [headerPart, payloadPart, signaturePart] = parts;
  const header = parseJsonObject(headerPart);
  const claims = parseJsonObject(payloadPart);
  const signature = decodeBase64Url(signaturePart);
  if (header === undefined || claims === undefined || signature === undefined) return { ok: false, reason: 'malformed' };
  if (header.alg !== algorithm || header.crit !== undefined) return { ok: false, reason: 'unsupported_algorithm' };
  if (header.typ !== undefined && header.typ !== 'JWT') return { ok: false, reason: 'malformed' };

  const expected = hmac(`${headerPart}.${payloadPart}`, secret);
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
    return { ok: false, reason: 'bad_signature' };
  }
  if (!hasValidClaimTypes(claims)) return { ok: false, reason: 'malformed' };

  const nowSeconds = (options.now ?? Date.now()) / 1000;
  const tolerance = options.clockToleranceSeconds ?? 0;
  if (claims.exp !== undefined && nowSeconds >= claims.exp + tolerance) return { ok: false, reason: 'expired' };
  if (claims.nbf !== undefined && nowSeconds + tolerance < claims.nbf) return { ok: false, reason: 'not_yet_valid' };
  if (options.audience !== undefined) {
    const audiences = claims.aud === undefined ? [] : Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.includes(options.audience)) return { ok: false, reason: 'wrong_audience' };
  }
  return { ok: true, claims };
}

function hmac(input: string, secret: string): Buffer {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(input, 'ascii').digest();
}

function parseJsonObject(segment: string): JwtClaims | undefined {
  const bytes = decodeBase64Url(segment);
  if (bytes === undefined || bytes.length === 0) return undefined;
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JwtClaims) : undefined;
  } catch {
    return undefined;
  }
}

function hasValidClaimTypes(claims: JwtClaims): boolean {
  if (numericClaims.some((name) => claims[name] !== undefined && !Number.isFinite(claims[name]))) return false;
  if (claims.sub !== undefined && typeof claims.sub !== 'string') return false;
  if (claims.name !== undefined && typeof claims.name !== 'string') return false;
  const aud = claims.aud;
  if (aud !== undefined && typeof aud !== 'string' && !(Array.isArray(aud) && aud.every((a) => typeof a === 'string'))) {
    return false;
  }
  return true;
}

function checkClaimTypes(claims: JwtClaims): void {
  if (!hasValidClaimTypes(claims)) {
    throw new TokenClaimsError('JWT claims iat/nbf/exp must be numbers, sub/name strings, aud a string or string array');
  }
}
