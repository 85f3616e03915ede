import 'reflect-metadata';
import * as net from 'node:net';
import { Controller, Get, HttpCode, Inject, Module, Param, Post, Req, Res, ServiceUnavailableException, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MetricsRegistry } from '@platform/metrics';
import { Serdes, StreamsApplication, StreamsBuilder, type TopologySpec } from '@platform/streams';
import type { Kafka } from 'kafkajs';
import { jsonAnswer } from '../answers';
import { sendAnswer, type HttpRequest, type HttpResponse } from '../http';
import { QueryRouter } from '../query-router.service';
import { StreamsModule } from '../streams.module';
import { STREAMS_APPLICATION } from '../tokens';

/** Test fixture: counts records per key of `input` into the store `counts`; a record whose value is `failOn` throws. */
export function countTopology(input: string, failOn?: string): TopologySpec {
  const builder = new StreamsBuilder();
  builder
    .stream(input, { keySerde: Serdes.string(), valueSerde: Serdes.string() })
    .peek((_key, value) => {
      if (failOn !== undefined && value === failOn) throw new Error(`cannot count ${value}`);
    })
    .groupByKey()
    .count({ name: 'count', storeName: 'counts' });
  return builder.build();
}

/** `GET /counts/:key` through the query router; the owner reports itself in `servedBy`. */
@Controller('counts')
class CountsController {
  constructor(
    @Inject(QueryRouter) private readonly router: QueryRouter,
    @Inject(STREAMS_APPLICATION) private readonly app: StreamsApplication,
  ) {}

  /** Every key counted, gathered from all instances (the owner-routing layer's gatherList). */
  @Get()
  async list(@Req() req: HttpRequest, @Res() res: HttpResponse): Promise<void> {
    const gathered = await this.router.gatherList<KeysPart>(req, { what: 'counts', path: '/counts/local', body: {}, partitions: 4, local: () => this.localPart(), isPart: isKeysPart });
    sendAnswer(res, gathered.ok ? jsonAnswer(200, { keys: gathered.parts.flatMap((p) => p.keys).sort() }) : gathered.answer);
  }

  /** This instance's part of the list (what other instances call). */
  @Post('local')
  @HttpCode(200)
  local(): KeysPart {
    return this.localPart();
  }

  /** Runs on the owner of the key (runOnOwner) and says where it ran. */
  @Post('run/:key')
  async run(@Param('key') key: string, @Req() req: HttpRequest, @Res() res: HttpResponse): Promise<void> {
    const outcome = await this.router.runOnOwner(req, 'counts', key, () => Promise.resolve({ key, ranOn: this.app.metadata()?.endpoint }));
    sendAnswer(res, outcome.kind === 'here' ? jsonAnswer(200, outcome.value) : outcome.answer);
  }

  @Get(':key')
  async get(@Param('key') key: string, @Req() req: HttpRequest, @Res() res: HttpResponse): Promise<void> {
    await this.router.answer<number, string>(req, res, 'counts', key, (value) => ({
      key,
      value,
      servedBy: this.app.metadataForKey('counts', key)?.endpoint,
    }));
  }

  private localPart(): KeysPart {
    const result = this.app.queryAll<string, number>('counts');
    if (!result.ok || result.restoring.length > 0) throw new ServiceUnavailableException('counts are not queryable here now');
    return { keys: result.entries.map((e) => e.key), partitions: result.partitions };
  }
}

interface KeysPart {
  readonly keys: readonly string[];
  readonly partitions: readonly number[];
}

function isKeysPart(body: unknown): body is KeysPart {
  const part = body as Partial<KeysPart> | null;
  return typeof part === 'object' && part !== null && Array.isArray(part.keys) && Array.isArray(part.partitions);
}

export interface CountService {
  readonly app: StreamsApplication;
  readonly nest: INestApplication;
  readonly endpoint: string;
  readonly url: string;
  readonly metrics: MetricsRegistry;
}

/** A port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts one instance: a Nest app on a free port running the count application. */
export async function startCountService(options: {
  readonly kafka: Kafka;
  readonly appId: string;
  readonly input: string;
  readonly stateDir: string;
  /** Called with the application before it starts (to subscribe to events). */
  readonly beforeStart?: (app: StreamsApplication) => void;
  /** A value the topology cannot process; its task is isolated (engine option `taskFailureHandling: 'isolate'`). */
  readonly failOn?: string;
}): Promise<CountService> {
  const port = await freePort();
  const endpoint = `127.0.0.1:${port}`;
  const app = new StreamsApplication(countTopology(options.input, options.failOn), {
    app: { id: options.appId, version: 1 },
    kafka: options.kafka,
    stateDir: options.stateDir,
    applicationServer: endpoint,
    commitIntervalMs: 200,
    ...(options.failOn === undefined ? {} : { taskFailureHandling: 'isolate' as const, maxTaskAttempts: 2 }),
  });
  options.beforeStart?.(app);
  const metrics = new MetricsRegistry();
  metrics.counter({ name: 'count_service_up', help: 'Fixture metric.' }).inc();
  const root: Type = rootModule(app, metrics);
  const nest = await NestFactory.create(root, { logger: false });
  await nest.listen(port, '127.0.0.1');
  return { app, nest, endpoint, url: `http://${endpoint}`, metrics };
}

function rootModule(app: StreamsApplication, metrics: MetricsRegistry): Type {
  @Module({ imports: [StreamsModule.forRoot({ application: () => app, metrics, retryAfterSeconds: 2, positionTimeoutMs: 20_000, forwardTimeoutMs: 25_000 })], controllers: [CountsController] })
  class CountServiceModule {}
  return CountServiceModule;
}
