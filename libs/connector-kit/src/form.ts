import { isReservedKey } from '@platform/chat-domain';
import { WebhookRejectedError } from './errors';

/** Parameters of a form-encoded body: a null-prototype object, repeated names as arrays (as providers sign them). */
export type FormParams = Readonly<Record<string, string | string[]>>;

/** Most parameters a form webhook may carry (Twilio sends ~25). */
export const maxFormParams = 256;

/**
 * Parses `application/x-www-form-urlencoded` (WHATWG rules, linear time). Names are user input, so
 * the result has no prototype and `__proto__`, `constructor` and `prototype` are refused (400).
 */
export function parseForm(body: string): FormParams {
  const params = new URLSearchParams(body);
  const out = Object.create(null) as Record<string, string | string[]>;
  let count = 0;
  for (const [name, value] of params) {
    if (++count > maxFormParams) throw new WebhookRejectedError(400, `form body has more than ${maxFormParams} parameters`);
    if (isReservedKey(name)) throw new WebhookRejectedError(400, `form parameter name ${JSON.stringify(name)} is not allowed`);
    const current = out[name];
    if (current === undefined) out[name] = value;
    else if (Array.isArray(current)) current.push(value);
    else out[name] = [current, value];
  }
  return out;
}

/** The single value of a parameter (the first of repeated ones); undefined when absent or empty. */
export function formValue(params: FormParams, name: string): string | undefined {
  const value = Object.prototype.hasOwnProperty.call(params, name) ? params[name] : undefined;
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text === '' ? undefined : text;
}
