export const SOURCE_REGISTRY = Symbol('SOURCE_REGISTRY');
export const SOURCE_CHANNELS = Symbol('SOURCE_CHANNELS');
export const SOURCE_WEBHOOK = Symbol('SOURCE_WEBHOOK');
