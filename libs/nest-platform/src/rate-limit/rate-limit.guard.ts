import { Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PlatformConfigError } from '../errors';
import type { ResolvedPlatformOptions } from '../options';
import { PLATFORM_OPTIONS } from '../tokens';
import type { RateLimitedRequest } from './rate-limit-policy';

export const RATE_LIMIT_KEY = 'platform:rate-limit';

/**
 * Applies the named policy of `PlatformModule.forRoot({ rateLimits })` to a handler or controller:
 * over the limit the request is answered 429 `{ message }` with `Retry-After`, before the handler runs.
 */
export const RateLimit = (policy: string): MethodDecorator & ClassDecorator => SetMetadata(RATE_LIMIT_KEY, policy);

/** Global guard behind `@RateLimit(name)`. */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(PLATFORM_OPTIONS) private readonly options: ResolvedPlatformOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const name = this.reflector.getAllAndOverride<string | undefined>(RATE_LIMIT_KEY, [context.getHandler(), context.getClass()]);
    if (name === undefined || context.getType() !== 'http') return true;
    const policy = this.options.rateLimits.get(name);
    if (policy === undefined) throw new PlatformConfigError(`@RateLimit('${name}'): no such policy in PlatformModule.forRoot({ rateLimits })`);
    await policy.enforce(context.switchToHttp().getRequest<RateLimitedRequest>());
    return true;
  }
}
