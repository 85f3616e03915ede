import { errors, jwtVerify, SignJWT } from 'jose';
import { AuthConfigError, TokenClaimsError } from './errors';
import { decodeBase64Url } from './internals/base64url';
import { hmacKey } from './internals/hmac-keys';
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
const numericClaims = ['iat', 'nbf', 'exp'] as const;

/** Signs `claims` as a compact HS256 JWT (by `jose`). `iat` is set unless present. */
export async function signJwt(claims: JwtClaims, secret: string, options: SignJwtOptions = {}): Promise<string> {
  requireSecret(secret, 'the JWT secret');
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  const payload: JwtClaims = { ...claims, iat: claims.iat ?? nowSeconds };
  if (options.expiresInSeconds !== undefined) {
    if (!Number.isFinite(options.expiresInSeconds) || options.expiresInSeconds <= 0) {
      throw new AuthConfigError(`expiresInSeconds must be a positive number, got ${options.expiresInSeconds}`);
    }
    payload.exp = (payload.iat as number) + Math.ceil(options.expiresInSeconds);
  }
  if (!hasValidClaimTypes(payload)) {
    throw new TokenClaimsError('JWT claims iat/nbf/exp must be numbers, sub/name strings, aud a string or string array');
  }
  let json: string;
  try {
    json = JSON.stringify(payload);
  } catch (cause) {
    throw new TokenClaimsError('JWT claims are not JSON-serializable', { cause });
  }
  // Round-tripped so jose signs exactly what JSON can carry (no undefined values, no toJSON surprises).
  const signer = new SignJWT(JSON.parse(json) as JwtClaims).setProtectedHeader({ alg: algorithm, typ: 'JWT' });
  return signer.sign(await hmacKey(secret));
}

/**
 * Verifies a compact HS256 JWT with `jose` (signature, `exp`, `nbf`, audience). Before that, the token
 * must be three canonical base64url segments whose header says `alg: HS256` without `crit` (so `none`
 * and every other algorithm are refused before any key is used, and one token has one valid spelling).
 */
export async function verifyJwt(token: string, secret: string, options: VerifyJwtOptions = {}): Promise<JwtVerifyResult> {
  requireSecret(secret, 'the JWT secret');
  const precheck = checkShape(token);
  if (precheck !== undefined) return { ok: false, reason: precheck };
  let claims: JwtClaims;
  try {
    const verified = await jwtVerify<JwtClaims>(token, await hmacKey(secret), {
      algorithms: [algorithm],
      currentDate: new Date(options.now ?? Date.now()),
      clockTolerance: options.clockToleranceSeconds ?? 0,
      ...(options.audience !== undefined ? { audience: options.audience } : {}),
    });
    claims = verified.payload;
  } catch (error) {
    return { ok: false, reason: failureReason(error) };
  }
  return hasValidClaimTypes(claims) ? { ok: true, claims } : { ok: false, reason: 'malformed' };
}

/** Structure and header policy, checked before jose sees the token. */
function checkShape(token: string): JwtFailureReason | undefined {
  const parts = typeof token === 'string' ? token.split('.') : [];
  if (parts.length !== 3 || parts.some((part) => decodeBase64Url(part) === undefined)) return 'malformed';
  const header = parseJsonObject(parts[0]);
  if (header === undefined || parseJsonObject(parts[1]) === undefined) return 'malformed';
  if (header.alg !== algorithm || header.crit !== undefined) return 'unsupported_algorithm';
  if (header.typ !== undefined && header.typ !== 'JWT') return 'malformed';
  return undefined;
}

function failureReason(error: unknown): JwtFailureReason {
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad_signature';
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'unsupported_algorithm';
  if (error instanceof errors.JWTClaimValidationFailed && error.reason === 'check_failed') {
    if (error.claim === 'nbf') return 'not_yet_valid';
    if (error.claim === 'aud') return 'wrong_audience';
  }
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'aud') return 'wrong_audience';
  if (error instanceof errors.JOSEError) return 'malformed';
  throw error;
}

function parseJsonObject(segment: string): Record<string, unknown> | undefined {
  const bytes = decodeBase64Url(segment);
  if (bytes === undefined || bytes.length === 0) return undefined;
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
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
