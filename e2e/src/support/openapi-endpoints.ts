import { waitFor } from '@platform/testing';

/** An OpenAPI 3.0 schema object, as far as the fuzz generators read it. */
export interface SchemaObject {
  readonly type?: string;
  readonly properties?: Record<string, SchemaObject>;
  readonly required?: readonly string[];
  readonly enum?: readonly unknown[];
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly maxItems?: number;
  readonly pattern?: string;
  readonly items?: SchemaObject;
  readonly $ref?: string;
}

/** One `POST /<name>` operation of the merged document. */
export interface ApiEndpoint {
  readonly name: string;
  /** No bearer security: the chat plugin's visitor endpoints. */
  readonly public: boolean;
  readonly schema: SchemaObject;
}

interface Operation {
  readonly operationId?: string;
  readonly security?: readonly unknown[];
  readonly requestBody?: { readonly content?: Record<string, { readonly schema?: SchemaObject }> };
}

interface Document {
  readonly paths?: Record<string, { readonly post?: Operation }>;
  readonly components?: { readonly schemas?: Record<string, SchemaObject> };
  readonly 'x-unavailable-apps'?: readonly string[];
}

/**
 * Every POST endpoint of the gateway's merged `/openapi.json` with its request schema ($refs
 * resolved), once every app answers; new endpoints of any app are listed without a change here.
 */
export async function loadEndpoints(gatewayUrl: string): Promise<ApiEndpoint[]> {
  const document = await waitFor(
    async () => {
      const doc = (await (await fetch(`${gatewayUrl}/openapi.json`)).json()) as Document;
      return (doc['x-unavailable-apps'] ?? []).length === 0 ? doc : undefined;
    },
    { timeoutMs: 30_000, description: 'the merged OpenAPI document of every app' },
  );
  const schemas = document.components?.schemas ?? {};
  const resolve = (schema: SchemaObject | undefined): SchemaObject => {
    if (schema?.$ref === undefined) return schema ?? {};
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = schemas[name];
    if (target === undefined) throw new Error(`unresolved $ref ${schema.$ref}`);
    return target;
  };
  const endpoints: ApiEndpoint[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    const post = item.post;
    if (post === undefined) continue;
    endpoints.push({
      name: path.replace(/^\//, ''),
      public: (post.security ?? [{}]).length === 0,
      schema: resolve(post.requestBody?.content?.['application/json']?.schema),
    });
  }
  return endpoints.sort((a, b) => a.name.localeCompare(b.name));
}
