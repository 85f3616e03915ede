import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import type { Principal } from '@platform/auth';
import { CurrentPrincipal } from '@platform/nest-platform';
import { SourcesRequestError } from '../errors';
import type { SourcePayload, SourceRegistry } from '../source-registry';
import { answering } from './http-errors';
import { SOURCE_REGISTRY } from './tokens';

/** `sources.create/update/list/delete`: the system token only (a user JWT gets 403, as in Airy). */
@Controller()
export class SourcesController {
  constructor(@Inject(SOURCE_REGISTRY) private readonly registry: SourceRegistry) {}

  @Post('sources.create')
  @HttpCode(200)
  create(@Body() body: unknown, @CurrentPrincipal() principal: Principal | undefined): Promise<SourcePayload> {
    return answering(() => this.system(principal, () => this.registry.create(body)));
  }

  @Post('sources.update')
  @HttpCode(200)
  update(@Body() body: unknown, @CurrentPrincipal() principal: Principal | undefined): Promise<SourcePayload> {
    return answering(() => this.system(principal, () => this.registry.update(body)));
  }

  @Post('sources.list')
  @HttpCode(200)
  list(@CurrentPrincipal() principal: Principal | undefined): Promise<{ data: SourcePayload[] }> {
    return answering(() => this.system(principal, () => this.registry.list()));
  }

  @Post('sources.delete')
  @HttpCode(202)
  async delete(@Body() body: unknown, @CurrentPrincipal() principal: Principal | undefined): Promise<void> {
    await answering(() => this.system(principal, () => this.registry.delete(body)));
  }

  private system<T>(principal: Principal | undefined, work: () => T): T {
    if (principal?.kind !== 'system') throw new SourcesRequestError(403, 'source management needs the system token');
    return work();
  }
}
