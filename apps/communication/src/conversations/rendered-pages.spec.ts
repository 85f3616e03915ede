import { JsonText } from '@platform/common';
import { RenderedPages, renderedPageCount } from './rendered-pages';

describe('RenderedPages', () => {
  it('gives a page back serialized while its stamp is unchanged, never for another stamp', () => {
    const pages = new RenderedPages();
    const key = RenderedPages.key('unread_count:0', undefined, 20)!;
    const json = pages.put(key, '1:1', { data: [{ id: 'c1' }], pagination_data: { total: 1 } });
    expect(json).toBeInstanceOf(JsonText);
    expect(JSON.parse(json.text)).toEqual({ data: [{ id: 'c1' }], pagination_data: { total: 1 } });
    expect(pages.get(key, '1:1')).toBe(json);
    expect(pages.get(key, '2:1')).toBeUndefined();
    expect(pages.get(RenderedPages.key('unread_count:0', 'next', 20)!, '1:1')).toBeUndefined();
    expect(pages.get(RenderedPages.key('unread_count:0', undefined, 10)!, '1:1')).toBeUndefined();
  });

  it('keeps the most recently stored pages only, and never keys a very long filter', () => {
    const pages = new RenderedPages();
    for (let i = 0; i <= renderedPageCount; i++) pages.put(RenderedPages.key(`id:c${i}`, undefined, 20)!, 's', { i });
    expect(pages.get(RenderedPages.key('id:c0', undefined, 20)!, 's')).toBeUndefined();
    expect(pages.get(RenderedPages.key('id:c1', undefined, 20)!, 's')).toBeDefined();
    expect(RenderedPages.key('x'.repeat(2000), undefined, 20)).toBeUndefined();
  });
});
