import { PlatformError } from '@platform/common';

/** Root of the chat plugin app's errors. */
export class ChatpluginError extends PlatformError {}

/** A visitor or resume token that is missing, malformed, badly signed, expired or for a refused channel (401). */
export class VisitorAuthError extends ChatpluginError {}

/** The configuration read from the environment is incomplete or inconsistent. */
export class ChatpluginConfigError extends ChatpluginError {}

/** The channel is unknown, not a chat plugin channel, or disconnected (404 on authenticate/disconnect). */
export class ChannelNotFoundError extends ChatpluginError {}

/** A resume token asked on a visitor's behalf for a conversation that is not of that (open) chat plugin channel: 403. */
export class ForeignConversationError extends ChatpluginError {}

/** The conversation's history cannot be read right now (owner restoring, rebalancing or unreachable): 503. */
export class HistoryUnavailableError extends ChatpluginError {
  constructor(message: string) {
    super(message, { retriable: true });
  }
}
