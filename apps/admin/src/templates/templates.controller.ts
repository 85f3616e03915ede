import { Controller, Inject, Req, Res } from '@nestjs/common';
import type { RequestBody } from '@platform/chat-domain';
import { ChatBody, ChatEndpoint } from '@platform/nest-platform';
import { sendAnswer, type HttpRequest, type HttpResponse } from '@platform/nest-streams';
import { TemplatesService } from './templates.service';

@Controller()
export class TemplatesController {
  constructor(@Inject(TemplatesService) private readonly templates: TemplatesService) {}

  @ChatEndpoint('templates.create')
  async create(@Req() req: HttpRequest, @Res() res: HttpResponse, @ChatBody('templates.create') body: RequestBody<'templates.create'>): Promise<void> {
    sendAnswer(res, await this.templates.create(req, body));
  }

  @ChatEndpoint('templates.list')
  async list(@Req() req: HttpRequest, @Res() res: HttpResponse, @ChatBody('templates.list') body: RequestBody<'templates.list'>): Promise<void> {
    sendAnswer(res, await this.templates.list(req, body));
  }

  @ChatEndpoint('templates.info')
  async info(@Req() req: HttpRequest, @Res() res: HttpResponse, @ChatBody('templates.info') body: RequestBody<'templates.info'>): Promise<void> {
    sendAnswer(res, await this.templates.info(req, body));
  }

  @ChatEndpoint('templates.update')
  async update(@Req() req: HttpRequest, @Res() res: HttpResponse, @ChatBody('templates.update') body: RequestBody<'templates.update'>): Promise<void> {
    sendAnswer(res, await this.templates.update(req, body));
  }

  @ChatEndpoint('templates.delete')
  async delete(@Req() req: HttpRequest, @Res() res: HttpResponse, @ChatBody('templates.delete') body: RequestBody<'templates.delete'>): Promise<void> {
    sendAnswer(res, await this.templates.delete(req, body));
  }
}
