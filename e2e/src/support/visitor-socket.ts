import WebSocket from 'ws';

export interface VisitorFrame {
  readonly channel_id: string;
  readonly conversation_id: string;
  readonly message: { readonly id: string; readonly delivery_state: string; readonly content: unknown; readonly from_contact: boolean };
}

/** A visitor's websocket (`/ws.chatplugin?token=`), collecting every frame it receives. */
export class VisitorSocket {
  readonly frames: VisitorFrame[] = [];
  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => this.frames.push(JSON.parse(data.toString()) as VisitorFrame));
  }

  static open(baseUrl: string, token: string): Promise<VisitorSocket> {
    const url = `${baseUrl.replace(/^http/, 'ws')}/ws.chatplugin?token=${encodeURIComponent(token)}`;
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.once('open', () => resolve(new VisitorSocket(socket)));
      socket.once('unexpected-response', (_req, res) => reject(new Error(`websocket refused with HTTP ${res.statusCode}`)));
      socket.once('error', reject);
    });
  }

  close(): void {
    this.socket.close();
  }
}
