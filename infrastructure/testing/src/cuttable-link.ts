import * as net from 'node:net';
import { logLevel, type ISocketFactory, type KafkaConfig } from 'kafkajs';
import { waitFor } from './wait-for';

/** A port nothing listens on: connections to it are refused at once. */
async function refusingPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface CuttableLink {
  /** `base` with the link's socket factory, short retries and a log creator that records consumer crashes. */
  readonly config: KafkaConfig;
  /** The kafkajs consumer crash log lines seen so far. */
  readonly crashes: string[];
  /** kafkajs connection attempts so far. */
  attempts(): number;
  /** As a broker outage: open connections reset, new ones refused. */
  cut(): void;
  /** New connections reach the broker again. */
  heal(): void;
  /**
   * Cuts the link, waits for a kafkajs consumer crash and for kafkajs' restart of it to be connecting, runs
   * `close` (the restart's failure then comes after the close), and counts kafkajs' connection attempts 3 s
   * after the close (the connect under way may still retry for a few hundred ms) and 3 s later: equal when
   * nothing goes on reconnecting.
   */
  closeMidRestart(close: () => Promise<void>): Promise<{ settled: number; later: number }>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A Kafka config whose kafkajs connections can be cut as in a broker outage while the broker itself
 * stays up for everyone else (connections not made by kafkajs, e.g. the streams engine's own fetch
 * client, are untouched). Retries are short, so a consumer crashes (and kafkajs restarts it) within
 * seconds of a cut.
 */
export async function cuttableLink(base: KafkaConfig): Promise<CuttableLink> {
  const refused = await refusingPort();
  const sockets = new Set<net.Socket>();
  const crashes: string[] = [];
  let cut = false;
  let attempts = 0;
  const socketFactory: ISocketFactory = ({ host, port, onConnect }) => {
    attempts++;
    const socket = net.connect(cut ? { host: '127.0.0.1', port: refused } : { host, port }, onConnect);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    return socket;
  };
  const link: CuttableLink = {
    config: {
      ...base,
      socketFactory,
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 },
      logLevel: logLevel.ERROR,
      logCreator: () => (entry) => {
        if (entry.namespace === 'Consumer' && entry.log.message.startsWith('Crash')) crashes.push(entry.log.message);
      },
    },
    crashes,
    attempts: () => attempts,
    cut() {
      cut = true;
      // reset, as the connections of a killed broker are (a plain destroy() would go unnoticed until a request timed out)
      for (const socket of sockets) socket.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    },
    heal() {
      cut = false;
    },
    async closeMidRestart(close) {
      link.cut();
      await waitFor(() => crashes.length > 0, { timeoutMs: 30_000, description: 'the kafkajs consumer crashed' });
      const atCrash = attempts;
      await waitFor(() => attempts > atCrash, { timeoutMs: 10_000, description: "kafkajs' restart connecting" });
      await close();
      await sleep(3000);
      const settled = attempts;
      await sleep(3000);
      return { settled, later: attempts };
    },
  };
  return link;
}
