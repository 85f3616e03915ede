// Public API of @platform/nest-platform: what every chat API app shares.
export { PlatformModule } from './platform.module';
export type { PlatformModuleOptions, OpenApiOptions, OpenApiEndpoint } from './options';
export { defaultPublicPaths } from './options';
export { Public, IS_PUBLIC_KEY } from './public.decorator';
export { CurrentPrincipal } from './principal.decorator';
export { ChatBody, validatedBody } from './chat-body.decorator';
export { RetryLaterException } from './retry-later.exception';
export { PlatformExceptionFilter, errorAnswer } from './exception.filter';
export type { ErrorAnswer } from './exception.filter';
export { HttpMetrics } from './http-metrics';
export { AuthGuard } from './auth.guard';
export { bootstrapApi } from './bootstrap';
export type { BootstrapApiOptions, StartedApi } from './bootstrap';
export { buildOpenApiDocument, requestSchemaName } from './openapi/document';
export type { OpenApiDocument, OpenApiDocumentOptions } from './openapi/document';
export { nestLogger } from './nest-logger';
export { NestPlatformError, PlatformConfigError } from './errors';
export type { PlatformRequest, PlatformResponse } from './http';
