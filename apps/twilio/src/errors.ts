import { PlatformError } from '@platform/common';

/** Root of the Twilio app's errors. */
export class TwilioConnectorError extends PlatformError {}

/** The configuration read from the environment is incomplete or inconsistent. */
export class TwilioConfigError extends TwilioConnectorError {}

/** A request the API refuses (400 `{ message }`). */
export class TwilioRequestError extends TwilioConnectorError {}

/** Unknown channel, or not a Twilio channel (404). */
export class TwilioChannelNotFoundError extends TwilioConnectorError {}
