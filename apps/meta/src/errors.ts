import { PlatformError } from '@platform/common';

/** Root of the Meta app's errors. */
export class MetaConnectorError extends PlatformError {}

/** The configuration read from the environment is incomplete or inconsistent. */
export class MetaConfigError extends MetaConnectorError {}

/** A request the API refuses (400 `{ message }`). */
export class MetaRequestError extends MetaConnectorError {}

/** Unknown channel, or not a channel of the endpoint's source (404). */
export class MetaChannelNotFoundError extends MetaConnectorError {}

/** The Graph API refused a call made for a request: 400 when Graph called it a client error (a bad token), else 502; `{ message }` names Graph's error. */
export class GraphRefusedError extends MetaConnectorError {
  constructor(
    message: string,
    readonly status: 400 | 502,
  ) {
    super(message);
  }
}

/** `conversations.refetch` of a conversation this connector does not hold (404). */
export class MetaConversationNotFoundError extends MetaConnectorError {}

/** The owner of a key cannot answer now (store restoring, task moving): 503 with Retry-After. */
export class MetaRetryLaterError extends MetaConnectorError {}
