// GENERATED — DO NOT EDIT. Regenerate with `nx run schemas:generate`.
import type { Channel } from './channel';
import type { Message } from './message';
import type { Metadata } from './metadata';
import type { ReadReceipt } from './read-receipt';
import type { Source } from './source';
import type { Tag } from './tag';
import type { Template } from './template';
import type { User } from './user';
import type { Webhook } from './webhook';
import { channelSchema } from './channel';
import { messageSchema } from './message';
import { metadataSchema } from './metadata';
import { readReceiptSchema } from './read-receipt';
import { sourceSchema } from './source';
import { tagSchema } from './tag';
import { templateSchema } from './template';
import { userSchema } from './user';
import { webhookSchema } from './webhook';

export * from './channel';
export * from './message';
export * from './metadata';
export * from './read-receipt';
export * from './source';
export * from './tag';
export * from './template';
export * from './user';
export * from './webhook';

/** Every record schema, by record name. */
export const avroSchemas = {
  Channel: channelSchema,
  Message: messageSchema,
  Metadata: metadataSchema,
  ReadReceipt: readReceiptSchema,
  Source: sourceSchema,
  Tag: tagSchema,
  Template: templateSchema,
  User: userSchema,
  Webhook: webhookSchema,
} as const;

/** Name of a record declared in libs/schemas/avro. */
export type SchemaName = keyof typeof avroSchemas;

export const schemaNames: readonly SchemaName[] = ['Channel', 'Message', 'Metadata', 'ReadReceipt', 'Source', 'Tag', 'Template', 'User', 'Webhook'];

/** TypeScript type of each record, by record name. */
export interface SchemaTypes {
  Channel: Channel;
  Message: Message;
  Metadata: Metadata;
  ReadReceipt: ReadReceipt;
  Source: Source;
  Tag: Tag;
  Template: Template;
  User: User;
  Webhook: Webhook;
}
