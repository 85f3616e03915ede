/** Injection token of the resolved `PlatformModule` options. */
export const PLATFORM_OPTIONS = Symbol('PLATFORM_OPTIONS');
