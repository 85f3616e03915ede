import { PlatformError } from '@platform/common';

/** Root of the connector kit's errors. */
export class ConnectorError extends PlatformError {}

/**
 * A webhook the ingress refuses, with the HTTP status to answer: 400 (malformed), 401 (an API caller's
 * missing or bad credential, such as the chat plugin's visitor token), 403 (bad or missing signature,
 * unknown or disconnected channel), 413 (too large), 415 (wrong content type).
 */
export class WebhookRejectedError extends ConnectorError {
  constructor(
    readonly status: 400 | 401 | 403 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

/** A raw event on `source.<provider>.events` that the router cannot map (it goes to the dead-letter topic). */
export class InvalidRawEventError extends ConnectorError {}

/** Credentials cannot be sealed or opened (unknown key id, tampered or malformed sealed value, bad key). */
export class SecretBoxError extends ConnectorError {}
