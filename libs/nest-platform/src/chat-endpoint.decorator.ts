import { applyDecorators, HttpCode, Post } from '@nestjs/common';
import type { RequestName } from '@platform/chat-domain';

/** `POST /<name>` answering 200 (Nest's default for POST is 201; Airy's API answers 200). */
export const ChatEndpoint = (name: RequestName): MethodDecorator => applyDecorators(Post(name), HttpCode(200));
