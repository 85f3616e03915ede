import type { IncomingMessage } from 'node:http';
import { keepRawBody } from './raw-body';

/** Nesting depth of request bodies when `bootstrapApi` is not given one: far above any legitimate chat body. */
export const defaultMaxBodyDepth = 32;

const OPEN_OBJECT = 0x7b; // {
const OPEN_ARRAY = 0x5b; // [
const CLOSE_OBJECT = 0x7d; // }
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

/**
 * True when the JSON text in `bytes` (UTF-8) opens more than `limit` objects/arrays inside each other.
 * One linear pass over the bytes, before anything parses them: brackets inside strings do not count
 * (escapes honoured). UTF-8 continuation bytes are never ASCII, so scanning bytes is exact. The text
 * need not be valid JSON; the parser refuses it afterwards.
 */
export function exceedsNestingDepth(bytes: Uint8Array, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      if (++depth > limit) return true;
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      depth--;
    }
  }
  return false;
}

/**
 * Thrown from the JSON body parser's `verify` hook (so before `JSON.parse`): the parser turns it into
 * an http error keeping `status`, `expose` and `type`, and the exception filter answers 400/415 `{ message }`.
 */
export class BodyRefusedError extends Error {
  readonly expose = true;

  constructor(
    message: string,
    readonly status: number,
    readonly type: string,
  ) {
    super(message);
  }
}

/**
 * The `verify` hook of the JSON body parser: only UTF-8 bodies (RFC 8259 §8.1; other charsets would let
 * multi-byte code units hide brackets from the scan) and at most `maxDepth` levels of nesting; with `keepRaw`,
 * the accepted bytes are kept for `rawBodyOf`.
 */
export function bodyVerifier(maxDepth: number, keepRaw = false) {
  return (req: IncomingMessage, _res: unknown, bytes: Uint8Array, encoding: string): void => {
    if (encoding.toLowerCase() !== 'utf-8' && encoding.toLowerCase() !== 'utf8') {
      throw new BodyRefusedError('JSON bodies must be UTF-8', 415, 'charset.unsupported');
    }
    if (exceedsNestingDepth(bytes, maxDepth)) {
      throw new BodyRefusedError(`body nesting deeper than ${maxDepth} levels`, 400, 'entity.too.deep');
    }
    if (keepRaw) keepRawBody(req, bytes);
  };
}
