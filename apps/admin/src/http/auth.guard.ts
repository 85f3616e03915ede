import { Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Authenticator } from '@platform/auth';

/** Nest token of the Authenticator. */
export const AUTHENTICATOR = Symbol('AUTHENTICATOR');

/** Every admin route needs `Authorization: Bearer <system token | user JWT>`; 401 `{ message }` otherwise. Health and metrics routes stay open. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(@Inject(AUTHENTICATOR) private readonly authenticator: Authenticator) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<{ path?: string; headers: Record<string, string | string[] | undefined> }>();
    if (req.path === '/metrics' || req.path?.startsWith('/health/')) return true;
    const header = req.headers.authorization;
    const result = this.authenticator.authenticate(Array.isArray(header) ? header[0] : header);
    if (!result.ok) throw new UnauthorizedException({ message: result.message });
    return true;
  }
}
