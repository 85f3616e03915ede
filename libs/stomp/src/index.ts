// Public API of @platform/stomp: STOMP 1.2 over WebSocket, server side, without a framework — the frame
// codec (incremental, bounded, linear-time parser; serializer with 1.2 header escaping) and the session
// (CONNECT with authentication, heart-beats, SUBSCRIBE bookkeeping, receipts, ERROR + close) that
// `/ws.communication` (apps/webhooks) and `/ws.chatplugin` (apps/chatplugin) build their endpoints on.
export { StompParser, StompProtocolError, defaultStompLimits, header, serializeFrame } from './stomp-frame';
export type { StompFrame, StompLimits } from './stomp-frame';
export { StompServerSession, maxSubscriptionIdLength } from './stomp-server-session';
export type { StompAuthentication, StompServerSessionOptions, StompSessionHandler, StompSubscribeRequest, StompTransport } from './stomp-server-session';
export { STOMP_SUBPROTOCOLS, selectStompSubprotocol } from './subprotocols';
