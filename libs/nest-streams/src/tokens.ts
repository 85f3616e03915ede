/** Injection token of the running `StreamsApplication`. */
export const STREAMS_APPLICATION = Symbol('STREAMS_APPLICATION');
/** Injection token of the resolved `StreamsModuleOptions`. */
export const STREAMS_MODULE_OPTIONS = Symbol('STREAMS_MODULE_OPTIONS');
