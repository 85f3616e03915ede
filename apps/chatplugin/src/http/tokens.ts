/** Nest injection tokens of the app's framework-free parts. */
export const CHATPLUGIN_SERVICE = Symbol('ChatpluginService');
export const HISTORY_READER = Symbol('HistoryReader');
export const AUTHENTICATOR = Symbol('Authenticator');
export const CHANNEL_DIRECTORY = Symbol('ChannelDirectory');
