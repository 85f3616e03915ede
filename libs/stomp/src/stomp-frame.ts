/** One STOMP 1.2 frame. Headers keep their order; a repeated header name: the first occurrence wins (see `header`). */
export interface StompFrame {
  readonly command: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Buffer;
}

export interface StompLimits {
  /** Bytes of one frame (command, headers and body). */
  readonly maxFrameBytes: number;
  readonly maxHeaders: number;
  /** Bytes of one header line (name, colon and value, escaped). */
  readonly maxHeaderLineBytes: number;
}

export const defaultStompLimits: StompLimits = { maxFrameBytes: 64 * 1024, maxHeaders: 32, maxHeaderLineBytes: 2048 };

/** A frame that breaks the grammar or a limit: the session answers ERROR with this message and closes. */
export class StompProtocolError extends Error {}

export function header(frame: StompFrame, name: string): string | undefined {
  for (const [key, value] of frame.headers) if (key === name) return value;
  return undefined;
}

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;

/**
 * Incremental STOMP frame reader: `push` takes whatever one websocket message held (a partial frame,
 * several frames, bare EOLs of heart-beats) and returns the complete frames. Every byte is examined a
 * bounded number of times (the scan resumes where the last push stopped), and the buffered bytes never
 * exceed `maxFrameBytes`, so a client cannot make it quadratic or grow it without bound. `escaped`
 * applies 1.2 header decoding (every frame except CONNECT/STOMP).
 */
export class StompParser {
  private buffer: Buffer = Buffer.alloc(0);
  /** Where the scan for the end of the current frame's head resumes. */
  private scanned = 0;
  /** The current frame's parsed head while its body is incomplete, and where the NUL search resumes. */
  private head: { readonly command: string; readonly headers: [string, string][]; readonly bodyStart: number; nulFrom: number } | undefined;

  constructor(private readonly limits: StompLimits = defaultStompLimits) {}

  /** The complete frames; throws StompProtocolError on the first violation (frames before it in the chunk are lost: see `pushUntilError`). */
  push(chunk: Buffer): StompFrame[] {
    const { frames, error } = this.pushUntilError(chunk);
    if (error) throw error;
    return frames;
  }

  /** The complete frames up to the first violation, and that violation; after one, the parser must not be used again. */
  pushUntilError(chunk: Buffer): { readonly frames: StompFrame[]; readonly error?: StompProtocolError } {
    const frames: StompFrame[] = [];
    try {
      if (chunk.length > this.limits.maxFrameBytes * 4) throw new StompProtocolError(`websocket message over ${this.limits.maxFrameBytes * 4} bytes`);
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      for (;;) {
        this.skipEols();
        if (this.buffer.length === 0) break;
        const frame = this.next();
        if (frame === undefined) break;
        frames.push(frame);
      }
      if (this.buffer.length > this.limits.maxFrameBytes) throw new StompProtocolError(`frame over ${this.limits.maxFrameBytes} bytes`);
    } catch (error) {
      if (error instanceof StompProtocolError) return { frames, error };
      throw error;
    }
    return { frames };
  }

  /** Heart-beats and the EOLs allowed after a frame's NUL. */
  private skipEols(): void {
    let i = 0;
    while (i < this.buffer.length && (this.buffer[i] === LF || (this.buffer[i] === CR && this.buffer[i + 1] === LF))) i += this.buffer[i] === CR ? 2 : 1;
    if (i > 0) {
      this.buffer = this.buffer.subarray(i);
      this.scanned = 0;
    }
  }

  private next(): StompFrame | undefined {
    const head = this.head ?? this.readHead();
    if (head === undefined) return undefined;
    this.head = head;
    const buf = this.buffer;
    const { command, headers, bodyStart } = head;
    const lengthText = headers.find(([name]) => name === 'content-length')?.[1];
    let end: number;
    if (lengthText !== undefined) {
      if (!/^\d{1,9}$/.test(lengthText)) throw new StompProtocolError('malformed frame: bad content-length');
      const length = Number(lengthText);
      if (bodyStart + length + 1 > this.limits.maxFrameBytes) throw new StompProtocolError(`frame over ${this.limits.maxFrameBytes} bytes`);
      if (buf.length < bodyStart + length + 1) return undefined;
      end = bodyStart + length;
      if (buf[end] !== NUL) throw new StompProtocolError('malformed frame: body longer than content-length');
    } else {
      end = buf.indexOf(NUL, head.nulFrom);
      if (end < 0) {
        head.nulFrom = buf.length;
        return undefined;
      }
      // A whole frame may arrive in one websocket message: its size is checked here, not only what stays buffered.
      if (end + 1 > this.limits.maxFrameBytes) throw new StompProtocolError(`frame over ${this.limits.maxFrameBytes} bytes`);
    }
    const frame: StompFrame = { command, headers, body: Buffer.from(buf.subarray(bodyStart, end)) };
    this.buffer = buf.subarray(end + 1);
    this.scanned = 0;
    this.head = undefined;
    return frame;
  }

  private readHead(): { command: string; headers: [string, string][]; bodyStart: number; nulFrom: number } | undefined {
    const buf = this.buffer;
    // The head ends at the first empty line (LF LF or LF CR LF).
    let headEnd = -1;
    let bodyStart = -1;
    for (let i = Math.max(this.scanned, 0); i < buf.length; i++) {
      if (buf[i] !== LF) continue;
      if (buf[i + 1] === LF) {
        headEnd = i;
        bodyStart = i + 2;
        break;
      }
      if (buf[i + 1] === CR && buf[i + 2] === LF) {
        headEnd = i;
        bodyStart = i + 3;
        break;
      }
      if (i + 2 >= buf.length) break;
    }
    if (headEnd < 0) {
      this.scanned = Math.max(0, buf.length - 3);
      return undefined;
    }
    const lines = buf.subarray(0, headEnd).toString('utf8').split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
    const command = lines[0] ?? '';
    if (!/^[A-Z]{1,16}$/.test(command)) throw new StompProtocolError('malformed frame: bad command');
    if (lines.length - 1 > this.limits.maxHeaders) throw new StompProtocolError(`more than ${this.limits.maxHeaders} headers`);
    const escaped = command !== 'CONNECT' && command !== 'STOMP';
    const headers: [string, string][] = [];
    for (const line of lines.slice(1)) {
      if (Buffer.byteLength(line) > this.limits.maxHeaderLineBytes) throw new StompProtocolError(`header line over ${this.limits.maxHeaderLineBytes} bytes`);
      const colon = line.indexOf(':');
      if (colon <= 0) throw new StompProtocolError('malformed frame: header without name or colon');
      const name = line.slice(0, colon);
      const value = line.slice(colon + 1);
      headers.push(escaped ? [unescapeHeader(name), unescapeHeader(value)] : [name, value]);
    }
    return { command, headers, bodyStart, nulFrom: bodyStart };
  }
}

function unescapeHeader(text: string): string {
  if (!text.includes('\\')) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = text[++i];
    if (n === 'n') out += '\n';
    else if (n === 'r') out += '\r';
    else if (n === 'c') out += ':';
    else if (n === '\\') out += '\\';
    else throw new StompProtocolError('malformed frame: undefined escape sequence in a header');
  }
  return out;
}

function escapeHeader(text: string): string {
  return text.replace(/[\\\r\n:]/g, (c) => (c === '\\' ? '\\\\' : c === '\r' ? '\\r' : c === '\n' ? '\\n' : '\\c'));
}

/** The frame's text (headers escaped except in CONNECTED), `content-length` added when there is a body. */
export function serializeFrame(command: string, headers: readonly (readonly [string, string])[], body = ''): string {
  const escaped = command !== 'CONNECTED';
  let text = command + '\n';
  for (const [name, value] of headers) text += (escaped ? escapeHeader(name) : name) + ':' + (escaped ? escapeHeader(value) : value) + '\n';
  if (body.length > 0) text += `content-length:${Buffer.byteLength(body)}\n`;
  return text + '\n' + body + '\0';
}
