import { checkSize, conversationId, maxMessageContentBytes, MetadataKeys, messageId, metadataUpsert, utf8ByteLength } from '@platform/chat-domain';
import { formValue, InvalidRawEventError, parseForm, type FormParams, type RawEvent, type Routed, type RouteLookup } from '@platform/connector-kit';
import type { Message } from '@platform/schemas';
import { channelIdOfAddress, sourceOfAddress } from './twilio-channels';

/** Message metadata key of a failed delivery's Twilio error code (status callbacks). */
export const SOURCE_ERROR_CODE = 'source.error_code';

/**
 * One raw Twilio webhook → records, deterministically:
 *
 * - inbound message (To = our number): a Message with id UUIDv5(channel, MessageSid) (a Twilio retry
 *   yields the same id), conversation UUIDv5(channel, From), sender From, content = the form body
 *   verbatim (as Airy, whose renderers read `Body=`, `MediaUrl0=`…), sentAt = when it was received;
 * - status callback (`MessageStatus`, From = our number): `source.delivery_state` (and
 *   `source.error_code`) metadata on the message we sent with that MessageSid; nothing when the sid is
 *   not one of ours.
 */
export function routeTwilioEvent(event: RawEvent, lookup: RouteLookup): Routed {
  const body = event.value.toString('utf8');
  let params: FormParams;
  try {
    params = parseForm(body);
  } catch (error) {
    throw new InvalidRawEventError(`raw Twilio event is not a usable form body: ${error instanceof Error ? error.message : String(error)}`);
  }
  const sid = formValue(params, 'MessageSid') ?? formValue(params, 'SmsSid');
  const from = formValue(params, 'From');
  const to = formValue(params, 'To');
  if (sid === undefined || from === undefined || to === undefined) throw new InvalidRawEventError('raw Twilio event without MessageSid, From and To');
  const status = formValue(params, 'MessageStatus');
  if (status !== undefined) return statusCallback(sid, status, formValue(params, 'ErrorCode'), event.timestamp, lookup);
  checkSize('message content', utf8ByteLength(body), maxMessageContentBytes);
  const channel = channelIdOfAddress(to);
  const message: Message = {
    id: messageId(channel, sid),
    conversationId: conversationId(channel, from),
    channelId: channel,
    source: sourceOfAddress(to),
    senderId: from,
    isFromContact: true,
    deliveryState: 'DELIVERED',
    content: body,
    sentAt: event.timestamp,
    updatedAt: null,
    sourceRecipientId: null,
    headers: {},
  };
  return { messages: [message], metadata: [] };
}

function statusCallback(sid: string, status: string, errorCode: string | undefined, at: number, lookup: RouteLookup): Routed {
  const target = lookup.messageOfProviderId(sid);
  if (!target) return { messages: [], metadata: [] };
  const subject = { kind: 'message' as const, id: target.messageId };
  const facts: [string, string][] = [[MetadataKeys.sourceDeliveryState, status.slice(0, 64)]];
  if (errorCode !== undefined) facts.push([SOURCE_ERROR_CODE, errorCode.slice(0, 64)]);
  return {
    messages: [],
    metadata: facts.map(([key, value]) => {
      const change = metadataUpsert(subject, key, value, at);
      return { change: { id: change.id, record: change.record! }, placementKey: target.conversationId };
    }),
  };
}
