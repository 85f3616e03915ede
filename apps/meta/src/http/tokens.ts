export const META_CHANNELS = Symbol('META_CHANNELS');
export const META_WEBHOOKS = Symbol('META_WEBHOOKS');
export const META_REFETCH = Symbol('META_REFETCH');
