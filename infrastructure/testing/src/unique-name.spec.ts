import { uniqueName } from './unique-name';

describe('uniqueName', () => {
  it('keeps the prefix and adds a random suffix', () => {
    const a = uniqueName('orders');
    const b = uniqueName('orders');
    expect(a).toMatch(/^orders-[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
  });

  it('yields only legal topic characters', () => {
    expect(uniqueName('my topic/with:odd*chars')).toMatch(/^[a-zA-Z0-9._-]+$/);
  });
});
