import WebSocket from 'ws';
import { header, STOMP_SUBPROTOCOLS, StompParser } from '@platform/stomp';

/** The commands of what a server sent, with their `message` header (ERROR) or `user-name` (CONNECTED). */
export const framesOf = (text: string) => new StompParser({ maxFrameBytes: 1 << 20, maxHeaders: 32, maxHeaderLineBytes: 4096 }).push(Buffer.from(text)).map((f) => `${f.command} ${header(f, 'message') ?? header(f, 'user-name') ?? ''}`);

/** A raw STOMP exchange on `/ws.chatplugin`: sends `frames`, resolves with everything received and the close code once the server closes. */
export function rawExchange(url: string, frames: (string | Buffer)[]): Promise<{ text: string; code: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws.chatplugin`, [...STOMP_SUBPROTOCOLS]);
    let text = '';
    ws.on('open', () => frames.forEach((f) => ws.send(f)));
    ws.on('message', (data: Buffer) => (text += data.toString('utf8')));
    ws.on('close', (code) => resolve({ text, code }));
    ws.on('error', reject);
  });
}
