import { Kafka, KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, logLevel, type Producer, type RecordMetadata } from 'kafkajs';
import type { Logger } from '@platform/common';
import { createServer, type AddressInfo } from 'node:net';
import { isBrokerUnavailable } from './broker-failure';
import { chatTopics } from './chat-topics';
import { BrokerUnavailableError, WriteError } from './errors';
import type { ChatSerdes } from './serdes';
import { ChatWriter } from './writer';

const topics = chatTopics('outage');
// writeRaw never serializes: the serdes are not reached.
const noSerdes = {} as ChatSerdes;

/** kafkajs' error for a broker error code (its constructor reads `type`, `code` and `retriable` off the given error). */
function protocolError(type: string, code: number, retriable: boolean): KafkaJSProtocolError {
  return new KafkaJSProtocolError(Object.assign(new Error(type), { type, code, retriable }));
}

/** A port nothing listens on: bound once by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('isBrokerUnavailable', () => {
  it('recognises kafkajs connection errors, also wrapped in NumberOfRetriesExceeded, and refuses record errors', () => {
    const refused = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED');
    expect(isBrokerUnavailable(refused)).toBe(true);
    expect(isBrokerUnavailable(new KafkaJSNumberOfRetriesExceeded(refused, { retryCount: 5, retryTime: 100 }))).toBe(true);
    expect(isBrokerUnavailable(protocolError('LEADER_NOT_AVAILABLE', 5, true))).toBe(true);
    expect(isBrokerUnavailable(protocolError('MESSAGE_TOO_LARGE', 10, false))).toBe(false);
    expect(isBrokerUnavailable(new KafkaJSNonRetriableError('Invalid topic'))).toBe(false);
    expect(isBrokerUnavailable(new TypeError('bug'))).toBe(false);
    expect(isBrokerUnavailable(undefined)).toBe(false);
    const cyclic: { name: string; cause?: unknown } = { name: 'Loop' };
    cyclic.cause = cyclic;
    expect(isBrokerUnavailable(cyclic)).toBe(false);
  });
});

describe('ChatWriter during a broker outage', () => {
  it('fails with BrokerUnavailableError (not written) when nothing listens on the broker address', async () => {
    const port = await closedPort();
    const kafka = new Kafka({ clientId: 'writer-outage', brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING, retry: { retries: 1, initialRetryTime: 50 }, connectionTimeout: 500 });
    const producer = kafka.producer({ idempotent: true });
    const writer = new ChatWriter(producer, topics, noSerdes, { timeoutMs: 60_000 });
    const failure = await writer.writeRaw(topics.chatpluginEvents, 'k', Buffer.from('v')).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BrokerUnavailableError);
    expect(failure).toMatchObject({ retriable: true, maybeWritten: false, topic: topics.chatpluginEvents });
    expect((failure as Error).message).not.toContain('127.0.0.1');
    await producer.disconnect();
  });

  it('fails with BrokerUnavailableError (maybe written) past the deadline, and logs the late outcome', async () => {
    let release: (metadata: RecordMetadata[]) => void = () => undefined;
    const pending = new Promise<RecordMetadata[]>((resolve) => (release = resolve));
    const producer = { send: () => pending } as unknown as Producer;
    const warnings: string[] = [];
    const logger = { warn: (message: string) => warnings.push(message) } as unknown as Logger;
    const writer = new ChatWriter(producer, topics, noSerdes, { timeoutMs: 20, logger });
    const failure = await writer.writeRaw(topics.chatpluginEvents, 'k', Buffer.from('v')).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BrokerUnavailableError);
    expect(failure).toMatchObject({ retriable: true, maybeWritten: true });
    release([{ topicName: topics.chatpluginEvents, partition: 0, errorCode: 0, baseOffset: '7' }]);
    await pending;
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings).toEqual(['a write answered as unavailable was written after the deadline']);
  });

  it('keeps record errors as a plain, non-retriable WriteError', async () => {
    const producer = { send: () => Promise.reject(protocolError('MESSAGE_TOO_LARGE', 10, false)) } as unknown as Producer;
    const failure = await new ChatWriter(producer, topics, noSerdes).writeRaw(topics.chatpluginEvents, 'k', Buffer.from('v')).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WriteError);
    expect(failure).not.toBeInstanceOf(BrokerUnavailableError);
    expect(failure).toMatchObject({ retriable: false });
  });

  it('refuses a timeout that is not a positive integer', () => {
    expect(() => new ChatWriter({} as Producer, topics, noSerdes, { timeoutMs: 0 })).toThrow('timeoutMs must be a positive integer');
  });
});
