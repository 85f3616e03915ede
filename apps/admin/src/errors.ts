import { PlatformError } from '@platform/common';

/** Base of the admin app's errors. */
export class AdminError extends PlatformError {}

/** The environment does not describe a runnable admin app (message names the variable). */
export class AdminConfigError extends AdminError {}
