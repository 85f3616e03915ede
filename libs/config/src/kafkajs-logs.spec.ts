import { Kafka, Partitioners, logLevel } from 'kafkajs';
import type { Logger, LogFields, LogLevel } from '@platform/common';
import { kafkaBrokers, uniqueName } from '@platform/testing';
import { kafkaJsLogLevel, kafkaJsLogging } from './kafkajs-logs';

interface Line {
  readonly level: LogLevel;
  readonly message: string;
  readonly fields: LogFields;
}

function recordingLogger(lines: Line[], base: LogFields = {}): Logger {
  const at = (level: LogLevel) => (message: string, fields: LogFields = {}) => void lines.push({ level, message, fields: { ...base, ...fields } });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (fields) => recordingLogger(lines, { ...base, ...fields }) };
}

const response = (api: string, error: string) => ({ level: logLevel.ERROR, log: { message: `Response ${api}`, error, correlationId: 7, broker: '127.0.0.1:9092' } });

describe('kafkaJsLogLevel', () => {
  it('maps kafkajs levels to ours', () => {
    expect(kafkaJsLogLevel({ level: logLevel.ERROR, log: { message: 'x' } })).toBe('error');
    expect(kafkaJsLogLevel({ level: logLevel.WARN, log: { message: 'x' } })).toBe('warn');
    expect(kafkaJsLogLevel({ level: logLevel.INFO, log: { message: 'x' } })).toBe('info');
    expect(kafkaJsLogLevel({ level: logLevel.DEBUG, log: { message: 'x' } })).toBe('debug');
  });

  it('downgrades protocol responses whose error is retriable or recovered by kafkajs', () => {
    expect(kafkaJsLogLevel(response('Metadata(key: 3, version: 6)', 'This server does not host this topic-partition'))).toBe('debug');
    expect(kafkaJsLogLevel(response('Produce(key: 0, version: 7)', 'This server is not the leader for that topic-partition'))).toBe('debug');
    expect(kafkaJsLogLevel(response('Metadata(key: 3, version: 6)', 'There is no leader for this topic-partition as we are in the middle of a leadership election'))).toBe('debug');
    expect(kafkaJsLogLevel(response('JoinGroup(key: 11, version: 5)', "The coordinator is loading and hence can't process requests for this group"))).toBe('debug');
    expect(kafkaJsLogLevel(response('SyncGroup(key: 14, version: 3)', 'The group is rebalancing, so a rejoin is needed'))).toBe('debug');
    expect(kafkaJsLogLevel(response('JoinGroup(key: 11, version: 5)', 'The group member needs to have a valid member id before actually entering a consumer group'))).toBe('debug');
    expect(kafkaJsLogLevel(response('CreateTopics(key: 19, version: 3)', 'Topic creation errors'))).toBe('debug');
    expect(kafkaJsLogLevel(response('Heartbeat(key: 12, version: 3)', 'The coordinator is not aware of this member'))).toBe('warn');
    expect(kafkaJsLogLevel({ level: logLevel.WARN, log: { message: 'The group is rebalancing, re-joining' } })).toBe('info');
  });

  it('keeps real errors as errors', () => {
    expect(kafkaJsLogLevel(response('Produce(key: 0, version: 7)', 'Not authorized to access topics: [Topic authorization failed]'))).toBe('error');
    expect(kafkaJsLogLevel(response('Produce(key: 0, version: 7)', 'The request included message batch larger than the configured segment size on the server'))).toBe('error');
    expect(kafkaJsLogLevel(response('Produce(key: 0, version: 7)', 'something kafkajs never heard of'))).toBe('error');
    expect(kafkaJsLogLevel({ level: logLevel.ERROR, log: { message: 'Connection error: connect ECONNREFUSED 127.0.0.1:1' } })).toBe('error');
    // The same text outside a protocol response is not a response error.
    expect(kafkaJsLogLevel({ level: logLevel.ERROR, log: { message: 'Crash', error: 'This server does not host this topic-partition' } })).toBe('error');
  });
});

describe('kafkaJsLogging against the broker', () => {
  const lines: Line[] = [];
  const kafka = new Kafka({ clientId: 'kafkajs-logs-spec', brokers: kafkaBrokers(), retry: { retries: 0 }, ...kafkaJsLogging(recordingLogger(lines), 'debug') });
  const admin = kafka.admin();

  beforeAll(() => admin.connect());
  afterAll(() => admin.disconnect());
  beforeEach(() => void lines.splice(0));

  it('logs creating an existing topic and asking for a missing one at debug, never error', async () => {
    const topic = uniqueName('kafkajs-logs');
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: false })).toBe(true);
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] })).toBe(false);
    await expect(admin.fetchTopicMetadata({ topics: [uniqueName('kafkajs-logs-missing')] })).rejects.toThrow('This server does not host this topic-partition');

    const responses = lines.filter((line) => line.message.startsWith('Response '));
    expect(responses.map((line) => [line.message.split('(')[0], line.fields['error'], line.level])).toEqual(
      expect.arrayContaining([
        ['Response CreateTopics', 'Topic creation errors', 'debug'],
        ['Response Metadata', 'This server does not host this topic-partition', 'debug'],
      ]),
    );
    expect(responses[0]?.fields).toMatchObject({ component: 'kafkajs', broker: expect.any(String), correlationId: expect.any(Number) });
    expect(lines.filter((line) => line.level === 'error')).toEqual([]);
  });

  it('creates a producer with an explicit partitioner without the partitioner warning', async () => {
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.disconnect();
    expect(lines.filter((line) => line.message.includes('partitioner'))).toEqual([]);
  });
});
