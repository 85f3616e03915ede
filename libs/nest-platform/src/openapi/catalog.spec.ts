import { bodySchema } from '@platform/chat-domain';
import { resolvePlatformOptions } from '../options';
import { catalogProblems, chatOpenApiCatalog, type OpenApiCatalog } from './catalog';
import { buildOpenApiDocument } from './document';

/** An app's own endpoints, described by the schemas it validates with (as the webhooks app does). */
const catalog: OpenApiCatalog = {
  requests: { 'things.create': bodySchema({ name: { type: 'string', required: true, maxLength: 10 } }), 'things.list': bodySchema({}) },
  responses: { 'things.create': { status: 201, body: 'Thing' }, 'things.list': { status: 200, body: 'ThingList' } },
  components: {
    Thing: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
    ThingList: { type: 'object', properties: { data: { type: 'array', items: { $ref: '#/components/schemas/Thing' } } } },
  },
};

describe('OpenAPI catalogs', () => {
  it('describe an app’s own endpoints: request schemas, answers and the components they refer to', () => {
    const doc = buildOpenApiDocument({ title: 'things', version: '1', catalog, endpoints: [{ name: 'things.create', errors: [413] }, { name: 'things.list' }] });
    expect(Object.keys(doc.paths)).toEqual(['/things.create', '/things.list']);
    expect(doc.components.schemas.ThingsCreateRequest).toEqual({ type: 'object', properties: { name: { type: 'string', minLength: 1, maxLength: 10 } }, required: ['name'] });
    const list = doc.paths['/things.list']!.post as { responses: Record<string, unknown> };
    expect(list.responses['200']).toEqual({ description: 'OK', content: { 'application/json': { schema: { $ref: '#/components/schemas/ThingList' } } } });
    expect(doc.components.schemas.Thing).toEqual(catalog.components.Thing);
    expect(doc.components.schemas.ConversationPage).toBeUndefined();
  });

  it('report endpoints without schemas and dangling $refs, and the platform refuses to start with them', () => {
    expect(catalogProblems(chatOpenApiCatalog, ['messages.send'])).toEqual([]);
    expect(catalogProblems(catalog, ['things.delete'])).toEqual(['openapi endpoint things.delete has no request schema', 'openapi endpoint things.delete has no response spec']);
    const dangling: OpenApiCatalog = { ...catalog, components: { ThingList: catalog.components.ThingList! } };
    expect(catalogProblems(dangling, ['things.create'])).toEqual(['openapi endpoint things.create answers Thing, which is not a component', 'component $ref Thing is not a component']);
    const base = { authenticator: {} as never, metrics: {} as never, logger: {} as never };
    expect(() => resolvePlatformOptions({ ...base, openapi: { title: 't', version: '1', catalog, endpoints: ['things.remove'] } })).toThrow('openapi endpoint things.remove has no request schema');
    expect(resolvePlatformOptions({ ...base, openapi: { title: 't', version: '1', endpoints: ['messages.send'] } }).openapi.catalog).toBe(chatOpenApiCatalog);
  });
});
