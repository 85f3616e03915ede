import { BadRequestException, Controller, HttpCode, Inject, Post, Req, UnauthorizedException } from '@nestjs/common';
import type { Authenticator } from '@platform/auth';
import type { MessagePayload, RequestBody } from '@platform/chat-domain';
import { ChatBody, Public, RateLimit, rawBodyOf, type PlatformRequest } from '@platform/nest-platform';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { checkPosition, partitionsOfCounts, POSITION_HEADER } from '@platform/nest-streams';
import type { AuthenticateAnswer, ChannelWrite, ChatpluginService } from '../chatplugin-service';
import { bearerToken } from '../visitor/visitor-tokens';
import { answering } from './http-errors';
import { AUTHENTICATOR, CHATPLUGIN_SERVICE } from './tokens';
import { VISITOR_RATE_LIMIT } from './visitor-rate-limits';

/**
 * The visitor API. Public for the platform's guard: it verifies visitor tokens itself (and, for
 * `chatplugin.resumeToken` on behalf of a visitor, the system token or a user JWT). Rate-limited per
 * client address and per channel (429 + Retry-After).
 */
@Public()
@RateLimit(VISITOR_RATE_LIMIT)
@Controller()
export class VisitorController {
  constructor(
    @Inject(CHATPLUGIN_SERVICE) private readonly service: ChatpluginService,
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
  ) {}

  /** `{channel_id}` → new conversation, or `{resume_token}` → same conversation with its messages. */
  @Post('chatplugin.authenticate')
  @HttpCode(200)
  async authenticate(@ChatBody('chatplugin.authenticate') body: RequestBody<'chatplugin.authenticate'>, @Req() req: PlatformRequest): Promise<AuthenticateAnswer> {
    const write = this.channelWrite(req);
    return answering(() => (body.resume_token !== undefined ? this.service.authenticateResume(body.resume_token, write) : this.service.authenticateNew(body.channel_id!, write)));
  }

  /** Visitor token → resume token; or, as Airy, system token / user JWT + `{channel_id, conversation_id}`. */
  @Post('chatplugin.resumeToken')
  @HttpCode(200)
  async resumeToken(@ChatBody('chatplugin.resumeToken') body: RequestBody<'chatplugin.resumeToken'>, @Req() req: PlatformRequest): Promise<{ resume_token: string }> {
    if (body.channel_id !== undefined && body.conversation_id !== undefined) {
      const auth = await this.authenticator.authenticate(headerOf(req, 'authorization'));
      if (!auth.ok) throw new UnauthorizedException(auth.message);
      const identity = { channelId: body.channel_id, conversationId: body.conversation_id };
      return answering(() => this.service.resumeTokenOnBehalf(identity));
    }
    return answering(async () => this.service.resumeToken(await this.service.visitor(bearerToken(req.headers.authorization))));
  }

  /**
   * The visitor's message → `source.chatplugin.events` through the connector kit's ingress (the body as
   * posted, validated here first; the visitor token checked by the ingress's verifier); answers the
   * message it becomes.
   */
  @Post('chatplugin.send')
  @HttpCode(200)
  async send(@ChatBody('chatplugin.send') _body: RequestBody<'chatplugin.send'>, @Req() req: PlatformRequest & IncomingMessage): Promise<MessagePayload> {
    // The app keeps raw JSON bodies (bootstrapApi keepRawBody); a body that passed ChatBody was JSON.
    const body = rawBodyOf(req);
    if (body === undefined) throw new BadRequestException('chatplugin.send needs a JSON body');
    return answering(() => this.service.send({ target: req.originalUrl, headers: req.headers, encrypted: (req.socket as TLSSocket).encrypted === true, body }));
  }

  /**
   * A client that just connected (or disconnected) a channel may pass the write's `x-streams-position`,
   * so this instance answers after it. Checked before anything waits: one bounded position on a real
   * partition of the channels topic, else 400 naming the problem. The service waits only for a
   * position on the channel's own partition (and, for a resume, only after verifying the token).
   */
  private channelWrite(req: PlatformRequest): ChannelWrite | undefined {
    const { topic, partitions } = this.service.channelTopic();
    const check = checkPosition(req.headers[POSITION_HEADER], partitionsOfCounts([[topic, partitions]]));
    if (!check.ok) throw new BadRequestException(check.message);
    return check.position;
  }
}

function headerOf(req: PlatformRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
