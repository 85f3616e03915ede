import { channel, contactMessage, driverContext, type DriverContext } from '../__fixtures__/driver-context';
import { ConversationsService } from '../conversations/conversations.service';
import { NotFoundError } from '../errors';
import { MessagesService } from '../messages/messages.service';
import { MetadataService } from './metadata.service';

describe('MetadataService', () => {
  let t: DriverContext;
  let service: MetadataService;
  beforeEach(async () => {
    t = driverContext();
    service = new MetadataService(t.context, new ConversationsService(t.context), new MessagesService(t.context));
    t.lookups.channels.set('channel-1', channel('channel-1'));
    await t.messages.pipeInput('m1', contactMessage('m1', 'c1', 1000));
  });
  afterEach(() => t.driver.close());

  it('flattens data into user_data facts of a conversation', async () => {
    const result = await service.upsert('conversation', 'c1', { crm: { id: 42, vip: true }, note: 'x' });
    expect(result.body).toMatchObject({ id: 'c1', metadata: { user_data: { crm: { id: 42, vip: true }, note: 'x' } } });
    expect(result.position?.topic).toBe('metadata');
  });

  it('writes message facts placed by the message conversation and answers the message', async () => {
    const result = await service.upsert('message', 'm1', { rating: 5 });
    expect(result.body).toMatchObject({ id: 'm1', metadata: { user_data: { rating: 5 } } });
    await expect(service.upsert('message', 'nope', { a: 1 })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('writes channel facts and answers the channel with its metadata', async () => {
    const result = await service.upsert('channel', 'channel-1', { team: 'sales' });
    expect(result.body).toMatchObject({ id: 'channel-1', metadata: { name: 'channel-1-name', user_data: { team: 'sales' } } });
    await expect(service.upsert('channel', 'missing', { a: 1 })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('404s unknown conversations, answers the entity unchanged for empty data, refuses dotted keys', async () => {
    await expect(service.upsert('conversation', 'nope', { a: 1 })).rejects.toBeInstanceOf(NotFoundError);
    expect((await service.upsert('conversation', 'c1', {})).position).toBeUndefined();
    await expect(service.upsert('conversation', 'c1', { 'a.b': 1 })).rejects.toThrow(/no dots/);
  });
});
