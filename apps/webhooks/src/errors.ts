import { PlatformError } from '@platform/common';

/** Base of the webhooks app's errors. */
export class WebhooksError extends PlatformError {}

/** The environment does not describe a runnable webhooks app (message names the variable). */
export class WebhooksConfigError extends WebhooksError {}

/** A subscription request the API refuses with 400 (message says why). */
export class InvalidSubscriptionError extends WebhooksError {}
