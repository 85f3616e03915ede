export { signJwt, verifyJwt } from './jwt';
export type { JwtClaims, SignJwtOptions, VerifyJwtOptions, JwtVerifyResult, JwtFailureReason } from './jwt';
export { checkSystemToken } from './system-token';
export { Authenticator } from './authenticator';
export type { AuthenticatorOptions, AuthenticationResult, Principal } from './authenticator';
export { generateSecret } from './secrets';
export { issueUserToken } from './user-token';
export { AuthError, AuthConfigError, TokenClaimsError } from './errors';
export { minimumSecretLength } from './internals/secret-check';
