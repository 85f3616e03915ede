import type { Template } from '@platform/schemas';
import { selectTemplates } from './template-list';

const t = (id: string, name: string, source = 'chatplugin'): Template => ({ id, name, source, content: '{}' });

describe('selectTemplates', () => {
  const all = [t('1', 'Welcome back'), t('2', 'welcome'), t('3', 'Goodbye'), t('4', 'Welcome', 'facebook')];

  it('keeps the templates of the source, ordered by name then id', () => {
    expect(selectTemplates(all, 'chatplugin', undefined).map((x) => x.id)).toEqual(['3', '2', '1']);
    expect(selectTemplates(all, 'twilio.sms', undefined)).toEqual([]);
  });

  it('filters by a case-insensitive name substring; an empty filter matches all', () => {
    expect(selectTemplates(all, 'chatplugin', 'WELCOME').map((x) => x.id)).toEqual(['2', '1']);
    expect(selectTemplates(all, 'chatplugin', 'back').map((x) => x.id)).toEqual(['1']);
    expect(selectTemplates(all, 'chatplugin', '').length).toBe(3);
  });
});
