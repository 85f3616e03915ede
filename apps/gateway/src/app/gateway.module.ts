import { Inject, Module, type BeforeApplicationShutdown, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { GatewayDeps } from './gateway-deps';
import { GatewayController } from './gateway.controller';
import { GatewayExceptionFilter } from './gateway-exception.filter';
import { GATEWAY_DEPS } from './tokens';

/** The gateway's own routes; the proxying itself happens in middleware before Nest's router. */
@Module({})
export class GatewayModule implements BeforeApplicationShutdown {
  constructor(@Inject(GATEWAY_DEPS) private readonly deps: GatewayDeps) {}

  static forRoot(deps: GatewayDeps): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [GatewayController],
      providers: [{ provide: GATEWAY_DEPS, useValue: deps }, { provide: APP_FILTER, useClass: GatewayExceptionFilter }],
    };
  }

  /** Piped websockets, idle upstream connections and the management port would keep the server from closing. */
  async beforeApplicationShutdown(): Promise<void> {
    this.deps.webSocketProxy.closeAll();
    this.deps.httpProxy.close();
    await this.deps.management?.close();
  }
}
