/**
 * Headers every answer of a JSON API carries (OWASP REST security guidance): no MIME sniffing, never
 * framed (`frame-ancestors` for current browsers, `X-Frame-Options` for old ones), nothing loaded if a
 * browser ever renders an answer, and no caching anywhere: every answer is private data or a token
 * (visitor/resume tokens, conversations), so `no-store` is set on all of them rather than on a list of
 * endpoints that could miss one. A fixed set of constant headers, so no library (helmet's defaults
 * target HTML sites).
 */
export const securityHeaders: Readonly<Record<string, string>> = Object.freeze({
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
});

interface HeaderTarget {
  setHeader(name: string, value: string): unknown;
}

/** Sets `securityHeaders` on a response (a handler may still override them afterwards). */
export function setSecurityHeaders(res: HeaderTarget): void {
  for (const [name, value] of Object.entries(securityHeaders)) res.setHeader(name, value);
}

/** Express/connect middleware setting `securityHeaders` on every answer; install it first. */
export function securityHeadersMiddleware(_req: unknown, res: HeaderTarget, next: () => void): void {
  setSecurityHeaders(res);
  next();
}
