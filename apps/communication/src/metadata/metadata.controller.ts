import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import type { MetadataObject, RequestBody } from '@platform/chat-domain';
import { ChatBody } from '@platform/nest-platform';
import type { HttpRequest, HttpResponse } from '@platform/nest-streams';
import { Answers } from '../http/answers';
import { MessageLocator } from '../messages/message-locator';
import { MetadataService, type UpsertSubject } from './metadata.service';

/** metadata.upsert (Airy §2.4); runs on the owner of the subject's placement key. */
@Controller()
export class MetadataController {
  constructor(
    @Inject(Answers) private readonly routing: Answers,
    @Inject(MessageLocator) private readonly locator: MessageLocator,
    @Inject(MetadataService) private readonly metadata: MetadataService,
  ) {}

  @Post('metadata.upsert')
  async upsert(@ChatBody('metadata.upsert') body: RequestBody<'metadata.upsert'>, @Req() req: HttpRequest, @Res() res: HttpResponse): Promise<void> {
    const subject = body.subject as UpsertSubject;
    const data = body.data as MetadataObject;
    let placement = body.id;
    if (subject === 'message') {
      try {
        placement = await this.locator.conversationOf(req, body.id);
      } catch (error) {
        await this.routing.answer(res, () => Promise.reject(error));
        return;
      }
    }
    const conversationId = subject === 'message' ? placement : undefined;
    await this.routing.onOwner(req, res, placement, () => this.metadata.upsert(subject, body.id, data, conversationId));
  }
}
