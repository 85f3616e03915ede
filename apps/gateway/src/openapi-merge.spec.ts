import { mergeOpenApi } from './openapi-merge';

const error = { type: 'object', properties: { message: { type: 'string' } } };
const bearer = { type: 'http', scheme: 'bearer' };

describe('mergeOpenApi', () => {
  it('unions paths and components, keeping identical shared components once', () => {
    const { document, conflicts } = mergeOpenApi(
      [
        { app: 'communication', document: { paths: { '/conversations.list': { post: {} } }, components: { schemas: { Error: error, A: { type: 'object' } }, securitySchemes: { bearerAuth: bearer } } } },
        { app: 'admin', document: { paths: { '/tags.list': { post: {} } }, components: { schemas: { Error: error, B: { type: 'object' } }, securitySchemes: { bearerAuth: bearer } } } },
      ],
      { title: 'All', version: '1' },
    );
    expect(conflicts).toEqual([]);
    expect(Object.keys(document.paths ?? {})).toEqual(['/conversations.list', '/tags.list']);
    expect(document.components).toEqual({ schemas: { Error: error, A: { type: 'object' }, B: { type: 'object' } }, securitySchemes: { bearerAuth: bearer } });
    expect(document.openapi).toBe('3.0.3');
    expect(document['x-unavailable-apps']).toBeUndefined();
  });

  it('keeps the first declaration of a conflicting path and reports it, and lists unavailable apps', () => {
    const { document, conflicts } = mergeOpenApi(
      [
        { app: 'a', document: { paths: { '/x': { post: { summary: 'a' } } } } },
        { app: 'b', document: { paths: { '/x': { post: { summary: 'b' } } } } },
      ],
      { title: 'All', version: '1' },
      ['chatplugin'],
    );
    expect(document.paths).toEqual({ '/x': { post: { summary: 'a' } } });
    expect(conflicts).toEqual(['b: paths./x']);
    expect(document['x-unavailable-apps']).toEqual(['chatplugin']);
  });
});
