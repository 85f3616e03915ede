import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC_KEY = 'platform:public';

/**
 * Marks a controller or handler as reachable without a system token or user JWT. Use it only for routes
 * that verify callers themselves (visitor tokens, provider signatures) or expose nothing private.
 */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);
