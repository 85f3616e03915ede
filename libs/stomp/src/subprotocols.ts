/** The websocket subprotocols of STOMP (Spring accepts all three; stompjs offers them in this order). */
export const STOMP_SUBPROTOCOLS: readonly string[] = ['v12.stomp', 'v11.stomp', 'v10.stomp'];

/** For `ws`'s `handleProtocols`: the first STOMP subprotocol the client offered, or `false` when it offered none. */
export function selectStompSubprotocol(offered: Set<string>): string | false {
  return STOMP_SUBPROTOCOLS.find((p) => offered.has(p)) ?? false;
}
