const alphabet = /^[A-Za-z0-9_-]*$/;

/**
 * Decodes one base64url segment, or `undefined` when it is not canonical base64url (other characters,
 * padding, an impossible length or trailing bits). Only the canonical spelling is accepted, so one token
 * has exactly one valid signature string.
 */
export function decodeBase64Url(segment: string): Buffer | undefined {
  if (!alphabet.test(segment) || segment.length % 4 === 1) return undefined;
  const bytes = Buffer.from(segment, 'base64url');
  return bytes.toString('base64url') === segment ? bytes : undefined;
}
