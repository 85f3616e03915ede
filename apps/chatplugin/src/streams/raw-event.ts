import { InvalidRawEventError } from '@platform/connector-kit';

/**
 * What `chatplugin.send` writes to `source.chatplugin.events`, untouched afterwards: the visitor's
 * `message` exactly as posted, plus who sent it (from the verified visitor token) and when. The
 * router maps it to a Message; the topic stays replayable when the mapping changes.
 */
export interface ChatpluginRawEvent {
  readonly type: 'message';
  /** Random id of the event, given at ingress; the message id derives from it (deterministic). */
  readonly id: string;
  readonly channel_id: string;
  readonly conversation_id: string;
  /** Epoch millis at ingress. */
  readonly sent_at: number;
  /** The visitor's message as posted (`{ text }`, attachment, quick reply…). */
  readonly message: unknown;
}

export function encodeRawEvent(event: ChatpluginRawEvent): Buffer {
  return Buffer.from(JSON.stringify(event), 'utf8');
}

/** Parses and checks a raw event; throws InvalidRawEventError naming what is wrong. */
export function parseRawEvent(bytes: Buffer | null): ChatpluginRawEvent {
  if (bytes === null) throw new InvalidRawEventError('raw chat plugin event has no value');
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new InvalidRawEventError('raw chat plugin event is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InvalidRawEventError('raw chat plugin event is not a JSON object');
  const event = parsed as Record<string, unknown>;
  if (event.type !== 'message') throw new InvalidRawEventError(`raw chat plugin event has unknown type ${JSON.stringify(event.type)}`);
  for (const field of ['id', 'channel_id', 'conversation_id'] as const) {
    if (typeof event[field] !== 'string' || event[field] === '') throw new InvalidRawEventError(`raw chat plugin event has no ${field}`);
  }
  if (typeof event.sent_at !== 'number' || !Number.isSafeInteger(event.sent_at) || event.sent_at < 0) {
    throw new InvalidRawEventError('raw chat plugin event has no valid sent_at');
  }
  if (event.message === undefined || event.message === null) throw new InvalidRawEventError('raw chat plugin event has no message');
  return event as unknown as ChatpluginRawEvent;
}
