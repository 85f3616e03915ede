import { Client, type IMessage } from '@stomp/stompjs';
import WebSocket from 'ws';
import { header, StompParser } from '@platform/stomp';

/** What the visitor socket receives for a message. */
export interface Frame {
  channel_id: string;
  conversation_id: string;
  message: { id: string; delivery_state: string; from_contact: boolean; content: unknown };
}

export const stompProtocols = ['v12.stomp', 'v11.stomp', 'v10.stomp'];
export const visitorQueue = '/user/queue/message';

/**
 * A visitor socket as Airy's widget opens it: a stompjs client (on `ws`) that CONNECTs with
 * `Authorization: Bearer <token>` and heart-beats 4000,4000, then SUBSCRIBEs to `/user/queue/message`
 * (with a receipt, so the subscription is in place when `open` resolves); collects the MESSAGE bodies.
 */
export class VisitorSocket {
  readonly frames: Frame[] = [];
  readonly destinations = new Set<string>();
  ws: WebSocket | undefined;
  private constructor(readonly client: Client) {}

  static open(url: string, token: string): Promise<VisitorSocket> {
    const client = new Client({
      webSocketFactory: () => (socket.ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws.chatplugin`, stompProtocols)),
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
          visitorQueue,
          (m: IMessage) => {
            socket.destinations.add(m.headers['destination'] ?? '');
            socket.frames.push(JSON.parse(m.body) as Frame);
          },
          { receipt: 'subscribed' },
        );
      };
      client.onStompError = (frame) => reject(new Error(frame.headers['message']));
      client.onWebSocketClose = () => reject(new Error('the socket closed before the subscription'));
      client.activate();
    });
  }

  close(): Promise<void> {
    return this.client.deactivate();
  }
}

/** The commands of what a server sent, with their `message` header (ERROR) or `user-name` (CONNECTED). */
export const framesOf = (text: string) => new StompParser({ maxFrameBytes: 1 << 20, maxHeaders: 32, maxHeaderLineBytes: 4096 }).push(Buffer.from(text)).map((f) => `${f.command} ${header(f, 'message') ?? header(f, 'user-name') ?? ''}`);

/** A raw STOMP exchange on `/ws.chatplugin`: sends `frames`, resolves with everything received and the close code once the server closes. */
export function rawExchange(url: string, frames: (string | Buffer)[]): Promise<{ text: string; code: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws.chatplugin`, stompProtocols);
    let text = '';
    ws.on('open', () => frames.forEach((f) => ws.send(f)));
    ws.on('message', (data: Buffer) => (text += data.toString('utf8')));
    ws.on('close', (code) => resolve({ text, code }));
    ws.on('error', reject);
  });
}
