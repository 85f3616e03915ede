import { Module, type DynamicModule } from '@nestjs/common';
import { HealthController } from './health.controller';
import { resolveModuleOptions, type StreamsModuleOptions } from './options';
import { QueryRouter } from './query-router.service';
import { StreamsLifecycle } from './streams-lifecycle.service';
import { WriteProbeLifecycle } from './write-probe.lifecycle';
import { STREAMS_APPLICATION, STREAMS_MODULE_OPTIONS } from './tokens';

/**
 * Runs a streams application inside a Nest app: `StreamsModule.forRoot({ application })` provides
 * the application (token `STREAMS_APPLICATION`) and `QueryRouter`, serves `/health/live`,
 * `/health/ready`, `/health/writes` and `/metrics`, starts the application on bootstrap and closes it on shutdown.
 */
@Module({})
export class StreamsModule {
  static forRoot(options: StreamsModuleOptions): DynamicModule {
    const { application } = options;
    return {
      module: StreamsModule,
      global: true,
      controllers: [HealthController],
      providers: [
        { provide: STREAMS_MODULE_OPTIONS, useValue: resolveModuleOptions(options) },
        { provide: STREAMS_APPLICATION, useFactory: () => (typeof application === 'function' ? application() : application) },
        StreamsLifecycle,
        WriteProbeLifecycle,
        QueryRouter,
      ],
      exports: [STREAMS_APPLICATION, QueryRouter],
    };
  }
}
