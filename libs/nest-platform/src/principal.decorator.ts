import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Principal } from '@platform/auth';
import type { PlatformRequest } from './http';

/**
 * The authenticated caller (`{ kind: 'system' }` or `{ kind: 'user', userId, name? }`) of a guarded route;
 * `undefined` on `@Public()` routes.
 */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Principal | undefined => ctx.switchToHttp().getRequest<PlatformRequest>().principal,
);
