import { Client, type IMessage } from '@stomp/stompjs';
import WebSocket from 'ws';
import { STOMP_SUBPROTOCOLS } from '@platform/stomp';

export interface VisitorFrame {
  readonly channel_id: string;
  readonly conversation_id: string;
  readonly message: { readonly id: string; readonly delivery_state: string; readonly content: unknown; readonly from_contact: boolean };
}

export const VISITOR_QUEUE = '/user/queue/message';

/**
 * A visitor's websocket as Airy's chat plugin widget opens it: stompjs (on `ws`) to `/ws.chatplugin`,
 * CONNECT with `Authorization: Bearer <visitor token>` and heart-beats 4000,4000, one SUBSCRIBE to
 * `/user/queue/message` (with a receipt: `open` resolves once the subscription is in place). Collects
 * every MESSAGE body and the destinations they came with.
 */
export class VisitorSocket {
  readonly frames: VisitorFrame[] = [];
  readonly destinations = new Set<string>();
  /** The underlying websocket (its close code, for instance). */
  ws: WebSocket | undefined;
  private constructor(readonly client: Client) {}

  static open(baseUrl: string, token: string): Promise<VisitorSocket> {
    const client = new Client({
      webSocketFactory: () => (socket.ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws.chatplugin`, [...STOMP_SUBPROTOCOLS])),
      connectHeaders: { Authorization: `Bearer ${token}` },
      reconnectDelay: 0,
      heartbeatIncoming: 4000,
      heartbeatOutgoing: 4000,
    });
    const socket = new VisitorSocket(client);
    return new Promise((resolve, reject) => {
      client.onConnect = () => {
        client.watchForReceipt('subscribed', () => resolve(socket));
        client.subscribe(
          VISITOR_QUEUE,
          (m: IMessage) => {
            socket.destinations.add(m.headers['destination'] ?? '');
            socket.frames.push(JSON.parse(m.body) as VisitorFrame);
          },
          { receipt: 'subscribed' },
        );
      };
      client.onStompError = (frame) => reject(new Error(`visitor socket refused: ${frame.headers['message'] ?? 'ERROR'}`));
      client.onWebSocketClose = () => reject(new Error('visitor socket closed before the subscription'));
      client.activate();
    });
  }

  close(): Promise<void> {
    return this.client.deactivate();
  }
}
