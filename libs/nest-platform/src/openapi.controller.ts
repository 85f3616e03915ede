import { Controller, Get, Inject } from '@nestjs/common';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi/document';
import type { ResolvedPlatformOptions } from './options';
import { Public } from './public.decorator';
import { PLATFORM_OPTIONS } from './tokens';

/** `GET /openapi.json`: the app's OpenAPI 3.0 document, built once. */
@Controller()
export class OpenApiController {
  private readonly document: OpenApiDocument;

  constructor(@Inject(PLATFORM_OPTIONS) options: ResolvedPlatformOptions) {
    this.document = buildOpenApiDocument(options.openapi);
  }

  @Public()
  @Get('openapi.json')
  openapi(): OpenApiDocument {
    return this.document;
  }
}
