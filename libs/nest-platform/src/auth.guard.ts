import { Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { headerValue, requestPath, type PlatformRequest } from './http';
import { isPublicPath, type ResolvedPlatformOptions } from './options';
import { IS_PUBLIC_KEY } from './public.decorator';
import { PLATFORM_OPTIONS } from './tokens';

/**
 * Global guard: every route needs `Authorization: Bearer <system token | user JWT>` unless its handler or
 * controller is `@Public()` or its path is one of the configured public paths. Refusals are 401 `{ message }`;
 * accepted requests carry their principal (`@CurrentPrincipal()`).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(PLATFORM_OPTIONS) private readonly options: ResolvedPlatformOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const marked = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, [context.getHandler(), context.getClass()]);
    const req = context.switchToHttp().getRequest<PlatformRequest>();
    if (marked === true || isPublicPath(requestPath(req), this.options.publicPaths)) return true;
    const result = await this.options.authenticator.authenticate(headerValue(req, 'authorization'));
    if (!result.ok) throw new UnauthorizedException(result.message);
    req.principal = result.principal;
    return true;
  }
}
