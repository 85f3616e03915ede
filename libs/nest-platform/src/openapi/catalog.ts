import { requestSchemas, responseComponents, responseSpecs, type BodySchema, type ResponseSchema, type ResponseSpec } from '@platform/chat-domain';

/**
 * Where an app's OpenAPI document takes its schemas from, by endpoint name: the request body schemas the app
 * VALIDATES with (so the document cannot describe other bodies than the ones accepted), the success answers,
 * and the response components they name. The chat apps use `chatOpenApiCatalog` (chat-domain's); an app with
 * endpoints of its own (e.g. webhooks) passes its own catalog.
 */
export interface OpenApiCatalog {
  readonly requests: Readonly<Record<string, BodySchema>>;
  readonly responses: Readonly<Record<string, ResponseSpec>>;
  readonly components: Readonly<Record<string, ResponseSchema>>;
}

/** `@platform/chat-domain`'s request schemas, response specs and components. */
export const chatOpenApiCatalog: OpenApiCatalog = { requests: requestSchemas, responses: responseSpecs, components: responseComponents };

/** The problems of a catalog for `endpoints` (names without a request or response schema, `$ref`s to no component); empty when none. */
export function catalogProblems(catalog: OpenApiCatalog, endpoints: readonly string[]): string[] {
  const problems: string[] = [];
  for (const name of endpoints) {
    if (!Object.hasOwn(catalog.requests, name)) problems.push(`openapi endpoint ${name} has no request schema`);
    const response = Object.hasOwn(catalog.responses, name) ? catalog.responses[name] : undefined;
    if (response === undefined) problems.push(`openapi endpoint ${name} has no response spec`);
    else if (response.body !== undefined && !Object.hasOwn(catalog.components, response.body)) problems.push(`openapi endpoint ${name} answers ${response.body}, which is not a component`);
  }
  for (const match of JSON.stringify(catalog.components).matchAll(/"#\/components\/schemas\/([A-Za-z0-9_]+)"/g)) {
    if (!Object.hasOwn(catalog.components, match[1]!)) problems.push(`component $ref ${match[1]} is not a component`);
  }
  return problems;
}
