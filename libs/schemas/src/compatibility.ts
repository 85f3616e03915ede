import * as avro from 'avsc';

export type CompatibilityResult = { compatible: true } | { compatible: false; reason: string };

/**
 * BACKWARD compatibility: can a reader using `newSchema` read every record written with `oldSchema`?
 * Decided by avsc's schema resolution (`newType.createResolver(oldType)` throws when it cannot),
 * which follows the Avro spec: added fields need defaults, enum symbols may not disappear,
 * type changes must be promotions (int → long, string ↔ bytes...), renames need aliases.
 */
export function checkBackwardCompatibility(newSchema: unknown, oldSchema: unknown): CompatibilityResult {
  let newType: avro.Type;
  let oldType: avro.Type;
  try {
    newType = avro.Type.forSchema(newSchema as avro.Schema);
    oldType = avro.Type.forSchema(oldSchema as avro.Schema);
  } catch (error) {
    return { compatible: false, reason: `schema does not parse: ${(error as Error).message}` };
  }
  try {
    newType.createResolver(oldType);
    return { compatible: true };
  } catch (error) {
    return { compatible: false, reason: (error as Error).message };
  }
}
