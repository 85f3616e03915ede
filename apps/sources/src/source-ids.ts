/** Custom source ids: lowercase letters, digits, `_` and `-` (no dots, so never a built-in `twilio.sms`), not a built-in source. */
export const sourceIdPattern = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Sources of the platform's own connectors: never custom. */
const builtIn = new Set(['chatplugin', 'facebook', 'instagram', 'google', 'twilio', 'viber', 'whatsapp', 'sources']);

export function isCustomSourceId(source: string): boolean {
  return sourceIdPattern.test(source) && !builtIn.has(source);
}
