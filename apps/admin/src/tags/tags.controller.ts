import { Controller, Inject, Req, Res } from '@nestjs/common';
import type { RequestBody } from '@platform/chat-domain';
import { ChatBody, ChatEndpoint } from '@platform/nest-platform';
import { sendAnswer, type HttpRequest, type HttpResponse } from '@platform/nest-streams';
import { TagsService } from './tags.service';

@Controller()
export class TagsController {
  constructor(@Inject(TagsService) private readonly tags: TagsService) {}

  @ChatEndpoint('tags.create')
  async create(@Req() req: HttpRequest, @Res() res: HttpResponse, @ChatBody('tags.create') body: RequestBody<'tags.create'>): Promise<void> {
    sendAnswer(res, await this.tags.create(req, body));
  }

  @ChatEndpoint('tags.list')
  async list(@Req() req: HttpRequest, @Res() res: HttpResponse, @ChatBody('tags.list') _body: RequestBody<'tags.list'>): Promise<void> {
    sendAnswer(res, await this.tags.list(req));
  }

  @ChatEndpoint('tags.update')
  async update(@Req() req: HttpRequest, @Res() res: HttpResponse, @ChatBody('tags.update') body: RequestBody<'tags.update'>): Promise<void> {
    sendAnswer(res, await this.tags.update(req, body));
  }

  @ChatEndpoint('tags.delete')
  async delete(@Req() req: HttpRequest, @Res() res: HttpResponse, @ChatBody('tags.delete') body: RequestBody<'tags.delete'>): Promise<void> {
    sendAnswer(res, await this.tags.delete(req, body));
  }
}
