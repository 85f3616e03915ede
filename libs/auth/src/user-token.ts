import { signJwt, type JwtClaims } from './jwt';
import { TokenClaimsError } from './errors';

/**
 * A user JWT as `Authenticator` accepts it: `sub` = `userId`, optional `name`, valid `ttlSeconds`
 * (default 12 hours). For the CLI (`npm run token`) and tests.
 */
export async function issueUserToken(secret: string, userId: string, name?: string, ttlSeconds = 12 * 3600): Promise<string> {
  if (typeof userId !== 'string' || userId.length === 0) throw new TokenClaimsError('a user token needs a non-empty user id');
  const claims: JwtClaims = name === undefined ? { sub: userId } : { sub: userId, name };
  return signJwt(claims, secret, { expiresInSeconds: ttlSeconds });
}
