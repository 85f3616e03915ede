import type { OpenApiEndpoint } from '../options';
import { catalogProblems, chatOpenApiCatalog, type OpenApiCatalog } from './catalog';
import { bodySchemaToJsonSchema, type JsonSchema } from './json-schema';

export interface OpenApiDocumentOptions {
  readonly title: string;
  readonly version: string;
  readonly description?: string;
  readonly endpoints: readonly OpenApiEndpoint<string>[];
  /** Where the schemas come from (default: chat-domain's, `chatOpenApiCatalog`). */
  readonly catalog?: OpenApiCatalog;
}

/** An OpenAPI 3.0 document as plain JSON. */
export interface OpenApiDocument {
  openapi: '3.0.3';
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, unknown>>;
  components: { securitySchemes: Record<string, JsonSchema>; schemas: Record<string, JsonSchema> };
}

const errorDescriptions: Record<number, string> = {
  400: 'Invalid body; `message` names the field',
  401: 'Missing or invalid bearer token',
  403: 'Not allowed',
  404: 'Unknown id',
  409: 'Conflicts with the current state',
  413: 'Body too large',
  503: 'Store restoring or rebalancing; retry after `Retry-After` seconds',
};

/** `conversations.mark-read` → `ConversationsMarkReadRequest`. */
export function requestSchemaName(name: string): string {
  const words = name.split(/[.\-_]/).filter((w) => w.length > 0);
  return `${words.map((w) => w[0].toUpperCase() + w.slice(1)).join('')}Request`;
}

/**
 * Builds the document of an app: every endpoint is `POST /<name>` with a JSON body described by the
 * catalog's `requests[name]`, its success answer by `responses[name]` (status and body schema; by default
 * chat-domain's requests.ts and responses.ts), bearer security unless public, and `{ message }` errors.
 */
export function buildOpenApiDocument(options: OpenApiDocumentOptions): OpenApiDocument {
  const catalog = options.catalog ?? chatOpenApiCatalog;
  const problems = catalogProblems(catalog, options.endpoints.map((e) => e.name));
  if (problems.length > 0) throw new Error(problems.join('; '));
  const schemas: Record<string, JsonSchema> = {
    Error: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
  };
  const paths: OpenApiDocument['paths'] = {};
  for (const endpoint of options.endpoints) {
    const schemaName = requestSchemaName(endpoint.name);
    schemas[schemaName] = bodySchemaToJsonSchema(catalog.requests[endpoint.name]!);
    const statuses = [...new Set([400, 401, 404, 503, ...(endpoint.errors ?? [])])].sort((a, b) => a - b);
    const success = catalog.responses[endpoint.name]!;
    const responses: Record<string, unknown> = {};
    if (success.body === undefined) {
      responses[String(success.status)] = { description: 'Done; no body' };
    } else {
      responses[String(success.status)] = { description: success.status === 201 ? 'Created' : 'OK', content: { 'application/json': { schema: { $ref: `#/components/schemas/${success.body}` } } } };
      if (success.accepted === true) responses['202'] = { description: 'Accepted', content: { 'application/json': { schema: { $ref: `#/components/schemas/${success.body}` } } } };
      addComponent(schemas, catalog.components, success.body);
    }
    for (const status of statuses) responses[String(status)] = errorResponse(status);
    paths[`/${endpoint.name}`] = {
      post: {
        operationId: endpoint.name,
        summary: endpoint.summary ?? endpoint.name,
        tags: [endpoint.name.split('.')[0]],
        security: endpoint.public === true ? [] : [{ bearerAuth: [] }],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${schemaName}` } } } },
        responses,
      },
    };
  }
  const info: OpenApiDocument['info'] = { title: options.title, version: options.version };
  if (options.description !== undefined) info.description = options.description;
  return {
    openapi: '3.0.3',
    info,
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'System token or user JWT (HS256)' } },
      schemas,
    },
  };
}

/** Adds a response component and every component it refers to. */
function addComponent(schemas: Record<string, JsonSchema>, components: OpenApiCatalog['components'], name: string): void {
  if (schemas[name] !== undefined) return;
  const schema = Object.hasOwn(components, name) ? components[name] : undefined;
  if (schema === undefined) throw new Error(`no response component ${name}`);
  schemas[name] = schema as JsonSchema;
  for (const match of JSON.stringify(schema).matchAll(/"#\/components\/schemas\/([A-Za-z0-9_]+)"/g)) addComponent(schemas, components, match[1]!);
}

function errorResponse(status: number): Record<string, unknown> {
  const response: Record<string, unknown> = {
    description: errorDescriptions[status] ?? `Error ${status}`,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  };
  if (status === 503) response.headers = { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait' } };
  return response;
}
