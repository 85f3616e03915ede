import { pathOf, ruleFor } from './path-rules';

describe('path rules', () => {
  it.each([
    ['/conversations.list', 'communication'],
    ['/conversations.mark-read', 'communication'],
    ['/conversations.refetch', 'meta'],
    ['/messages.send', 'communication'],
    ['/metadata.upsert', 'communication'],
    ['/channels.list', 'admin'],
    ['/channels.info', 'admin'],
    ['/channels.update', 'admin'],
    ['/tags.create', 'admin'],
    ['/templates.list', 'admin'],
    ['/channels.chatplugin.connect', 'chatplugin'],
    ['/chatplugin.authenticate', 'chatplugin'],
    ['/chatplugin/ui/s.js', 'chatplugin'],
    ['/ws.chatplugin', 'chatplugin'],
    ['/webhooks.subscribe', 'webhooks'],
    ['/webhooks.list', 'webhooks'],
    ['/ws.communication', 'webhooks'],
    ['/sources.create', 'sources'],
    ['/sources.channels.create', 'sources'],
    ['/sources.webhook', 'sources'],
    ['/channels.facebook.connect', 'meta'],
    ['/channels.facebook.explore', 'meta'],
    ['/channels.instagram.disconnect', 'meta'],
    ['/channels.whatsapp.connect', 'meta'],
    ['/channels.twilio.whatsapp.connect', 'twilio'],
    ['/facebook', 'meta'],
    ['/whatsapp', 'meta'],
  ])('routes %s to %s', (path, upstream) => {
    expect(ruleFor(path)?.upstream).toBe(upstream);
  });

  it.each(['/health/live', '/openapi.json', '/channels.google.connect', '/facebook/x', '/sources', '/channels', '/ws.communication.x', '/conversations', '/'])(
    'leaves %s to the gateway',
    (path) => {
      expect(ruleFor(path)).toBeUndefined();
    },
  );

  it('marks only the two websockets as upgrade routes', () => {
    expect(ruleFor('/ws.chatplugin')?.websocket).toBe(true);
    expect(ruleFor('/ws.communication')?.websocket).toBe(true);
    expect(ruleFor('/webhooks.list')?.websocket).toBeUndefined();
    expect(ruleFor('/chatplugin.send')?.websocket).toBeUndefined();
  });

  it('takes the path of a request target', () => {
    expect(pathOf('/tags.list?x=1')).toBe('/tags.list');
    expect(pathOf('/tags.list')).toBe('/tags.list');
    expect(pathOf('http://other/tags.list')).toBeUndefined();
    expect(pathOf(undefined)).toBeUndefined();
  });
});
