import { chatTopics, type ChatWriter } from '@platform/chat-streams';
import { silentLogger } from '@platform/common';
import { QueryRouter } from '@platform/nest-streams';
import { jsonSerde, type Channel, type Metadata, type Tag, type Template } from '@platform/schemas';
import type { ListQueryResult, StreamsApplication, StreamsMetadata } from '@platform/streams';
import type { AdminContext } from '../app/admin-context';
import { adminTopology } from '../streams/admin-topology';
import type { ChannelDocument } from '../streams/channel-document';
import { ChannelsController } from './channels.controller';
import { ChannelsService } from './channels.service';

const topics = { ...chatTopics('unit'), partitions: new Map([[chatTopics('unit').channels, 2]]) };
const topology = adminTopology(topics, { channel: jsonSerde<Channel>(), metadata: jsonSerde<Metadata>(), tag: jsonSerde<Tag>(), template: jsonSerde<Template>() });
const context: AdminContext = {
  topology,
  topics,
  writer: {} as ChatWriter,
  logger: silentLogger,
  clock: () => 1,
  retryAfterSeconds: 3,
  writeTimeoutMs: 1000,
  forwardTimeoutMs: 1000,
};
const doc = (id: string): ChannelDocument => ({
  channel: { id, source: 'chatplugin', sourceChannelId: id, connectionState: 'CONNECTED', token: null, createdAt: 1 },
  metadata: {},
});

/** A one-replica application double: this replica's endpoint, the group's members, its local store. */
function fakeApp(members: StreamsMetadata[], local: ListQueryResult<string, ChannelDocument>): StreamsApplication {
  return {
    metadata: () => members[0],
    allMetadata: () => members,
    queryAll: () => local,
  } as unknown as StreamsApplication;
}

/** What the controller sent. */
interface Sent {
  status: number;
  headers: Record<string, string>;
  body: { json: unknown };
}

/** The controller over the real owner-routing layer and the application double; `list` answers what it sent. */
const service = (app: StreamsApplication) => {
  const channels = new ChannelsService(app, context);
  const controller = new ChannelsController(channels, new QueryRouter(app, { metrics: [], retryAfterSeconds: 3, forwardTimeoutMs: 1000, positionTimeoutMs: 1000 }));
  return {
    list: async (req: typeof request, body: object): Promise<Sent> => {
      const sent: Sent = { status: 0, headers: {}, body: { json: undefined } };
      const res = {
        statusCode: 0,
        status: (code: number) => ((sent.status = code), res),
        setHeader: (name: string, value: string) => (sent.headers[name] = value),
        send: () => undefined,
        end: (text: string) => ((sent.status = res.statusCode), (sent.body = { json: JSON.parse(text) as unknown })),
      };
      await controller.list(req, res, body);
      return sent;
    },
    listLocal: (body: object) => channels.localPart(body),
  };
};

const request = { method: 'POST', originalUrl: '/channels.list', headers: {} };
const member = (endpoint: string, tasks: string[]): StreamsMetadata => ({ endpoint, memberId: endpoint, tasks, partitions: [] });

describe('ChannelsService.list', () => {
  it('answers the complete list when the replicas together hold every partition', async () => {
    const app = fakeApp([member('self:1', ['0_0', '0_1'])], { ok: true, entries: [{ key: 'b', value: doc('b') }, { key: 'a', value: doc('a') }], partitions: [0, 1], restoring: [] });
    const answer = await service(app).list(request, {});
    expect(answer.status).toBe(200);
    expect((answer.body as { json: { data: { id: string }[] } }).json.data.map((c) => c.id)).toEqual(['a', 'b']);
  });

  it('answers 503 with Retry-After, not a partial list, when a partition has no running owner', async () => {
    const app = fakeApp([member('self:1', ['0_0'])], { ok: true, entries: [{ key: 'a', value: doc('a') }], partitions: [0], restoring: [] });
    const answer = await service(app).list(request, {});
    expect(answer.status).toBe(503);
    expect(answer.headers['Retry-After']).toBe('3');
    expect(answer.body).toEqual({ json: { message: expect.stringContaining('partitions 1 have no running owner') } });
  });

  it('answers 503 when another owner cannot be reached', async () => {
    // Port 9 on localhost: nobody answers there.
    const app = fakeApp([member('self:1', ['0_0']), member('127.0.0.1:9', ['0_1'])], { ok: true, entries: [], partitions: [0], restoring: [] });
    const answer = await service(app).list(request, {});
    expect(answer.status).toBe(503);
    // Says why, without naming the replica's internal address.
    expect(answer.body).toEqual({ json: { message: expect.stringContaining('a replica: unreachable') } });
    expect(JSON.stringify(answer.body)).not.toContain('127.0.0.1');
  });

  it('answers 503 while a local task of the store restores', async () => {
    const restoring = { taskId: '0_1', store: 'channels', restored: 1, total: 10 };
    const app = fakeApp([member('self:1', ['0_0', '0_1'])], { ok: true, entries: [], partitions: [0], restoring: [restoring] });
    const channels = service(app);
    expect((await channels.list(request, {})).status).toBe(503);
    expect(() => channels.listLocal({})).toThrow('the store is restoring');
  });
});
