import { InvalidMetadataError } from './errors';

/**
 * Prototype safety. A key that comes from a user (a metadata path, a `user_data` field, a tag id,
 * a filter field) or from a record replayed from Kafka must never reach `Object.prototype`:
 * `obj["__proto__"] = v` replaces an object's prototype, and `obj[k]` on an inherited name reads
 * the prototype chain. The chat domain refuses these three names in requests (400) and skips them
 * in records, reads user-keyed objects with {@link ownValue} only, and builds them with
 * {@link nullObject}.
 */
export const reservedKeys: readonly string[] = ['__proto__', 'constructor', 'prototype'];

const reserved = new Set(reservedKeys);

/** Whether a key is one of {@link reservedKeys}. */
export function isReservedKey(key: string): boolean {
  return reserved.has(key);
}

/** A reserved name as a key (400 at the adapters, as every InvalidMetadataError). */
export class ReservedKeyError extends InvalidMetadataError {
  constructor(
    readonly key: string,
    where: string,
  ) {
    super(`${where}: key "${key}" is not allowed (${reservedKeys.join(', ')} are reserved)`);
  }
}

/** Throws ReservedKeyError when `key` is reserved; `where` names the place for the message. */
export function checkKey(key: string, where: string): void {
  if (reserved.has(key)) throw new ReservedKeyError(key, where);
}

/**
 * The first reserved own key anywhere in a JSON value (objects and arrays, any depth), with its
 * path (`a.b[0].__proto__`); undefined when there is none. Iterative, so a deeply nested value
 * cannot overflow the stack.
 */
export function findReservedKey(value: unknown): { key: string; path: string } | undefined {
  const stack: Array<{ value: unknown; path: string }> = [{ value, path: '' }];
  while (stack.length > 0) {
    const { value: node, path } = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push({ value: node[i], path: `${path}[${i}]` });
      continue;
    }
    const keys = Object.keys(node);
    for (const key of keys) if (reserved.has(key)) return { key, path: path === '' ? key : `${path}.${key}` };
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      stack.push({ value: (node as Record<string, unknown>)[key], path: path === '' ? key : `${path}.${key}` });
    }
  }
  return undefined;
}

/** Throws ReservedKeyError naming the path of the first reserved key anywhere in `value` (`where` names the value). */
export function checkKeysDeep(value: unknown, where: string): void {
  const found = findReservedKey(value);
  if (found !== undefined) throw new ReservedKeyError(found.key, `${where} at "${found.path}"`);
}

/** `object[key]` if it is an own property, else undefined (never an inherited member). */
export function ownValue<T>(object: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/** An empty object without prototype, for maps keyed by user input (serializes like `{}`). */
export function nullObject<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/**
 * JSON.parse that drops reserved keys at every depth (JSON.parse makes `"__proto__"` an own
 * property, harmless until something walks or copies it; dropping it here means nothing can).
 * For values read from records, whose keys were not checked by this process.
 */
export function parseJsonSafely(text: string): unknown {
  return JSON.parse(text, (key, value: unknown) => (reserved.has(key) ? undefined : value));
}
