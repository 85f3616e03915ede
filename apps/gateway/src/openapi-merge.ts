/** An OpenAPI 3.0 document, as far as merging needs to know it. */
export interface OpenApiLike {
  openapi?: string;
  info?: Record<string, unknown>;
  paths?: Record<string, unknown>;
  components?: Record<string, Record<string, unknown> | undefined>;
  [key: string]: unknown;
}

export interface MergeResult {
  readonly document: OpenApiLike;
  /** Paths or components two apps both declared differently; the first app's declaration is kept. */
  readonly conflicts: readonly string[];
}

/**
 * One document of every app's document: paths and every component section are unioned. Identical
 * duplicates (the shared `Error` schema, `bearerAuth`) are kept once; different ones keep the first app's
 * and are reported. Apps that did not answer are listed in `x-unavailable-apps`.
 */
export function mergeOpenApi(
  parts: ReadonlyArray<{ readonly app: string; readonly document: OpenApiLike }>,
  info: { readonly title: string; readonly version: string },
  unavailable: readonly string[] = [],
): MergeResult {
  const paths: Record<string, unknown> = {};
  const components: Record<string, Record<string, unknown>> = {};
  const conflicts: string[] = [];
  const put = (target: Record<string, unknown>, key: string, value: unknown, where: string) => {
    if (!(key in target)) target[key] = value;
    else if (JSON.stringify(target[key]) !== JSON.stringify(value)) conflicts.push(where);
  };
  for (const { app, document } of parts) {
    for (const [path, item] of Object.entries(document.paths ?? {})) put(paths, path, item, `${app}: paths.${path}`);
    for (const [section, entries] of Object.entries(document.components ?? {})) {
      components[section] ??= {};
      for (const [name, value] of Object.entries(entries ?? {})) put(components[section], name, value, `${app}: components.${section}.${name}`);
    }
  }
  const document: OpenApiLike = {
    openapi: '3.0.3',
    info: { ...info, description: `Every app of the platform behind one origin (${parts.map((p) => p.app).join(', ')}).` },
    paths,
    components,
  };
  if (unavailable.length > 0) document['x-unavailable-apps'] = [...unavailable];
  return { document, conflicts };
}
