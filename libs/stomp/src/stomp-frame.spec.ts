import { serializeFrame, StompParser, StompProtocolError } from './stomp-frame';

describe('STOMP frames', () => {
  it('reads frames split across chunks, several per chunk, heart-beat EOLs between them', () => {
    const parser = new StompParser();
    const text = '\nCONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0\r\nSUBSCRIBE\nid:s\\c1\ndestination:/events\n\n\0';
    const frames = [];
    for (const ch of Buffer.from(text)) frames.push(...parser.push(Buffer.from([ch])));
    expect(frames.map((f) => f.command)).toEqual(['CONNECT', 'SUBSCRIBE']);
    expect(frames[1]!.headers).toEqual([['id', 's:1'], ['destination', '/events']]);
  });

  it('honours content-length (NULs in the body) and round-trips escaped headers', () => {
    const parser = new StompParser();
    const [frame] = parser.push(Buffer.from('SEND\ncontent-length:3\nx:a\\nb\n\na\0b\0'));
    expect(frame!.body).toEqual(Buffer.from('a\0b'));
    expect(frame!.headers[1]).toEqual(['x', 'a\nb']);
    const [again] = new StompParser().push(Buffer.from(serializeFrame('MESSAGE', [['k:1', 'v\\2\r']], 'body')));
    expect(again!.headers).toEqual([['k:1', 'v\\2\r'], ['content-length', '4']]);
    expect(again!.body.toString()).toBe('body');
  });

  it.each([
    ['a bad command', 'connect\n\n\0', 'bad command'],
    ['an undefined escape', 'SUBSCRIBE\nid:\\t\n\n\0', 'undefined escape'],
    ['too many headers', 'SEND\n' + 'a:b\n'.repeat(40) + '\n\0', 'more than 32 headers'],
    ['a header without colon', 'SEND\nnocolon\n\n\0', 'header without name'],
    ['a body longer than content-length', 'SEND\ncontent-length:1\n\nab\0', 'longer than content-length'],
    ['a frame without end over the size limit', 'SEND\n\n' + 'x'.repeat(70_000), 'frame over'],
    ['a complete frame over the size limit in one message', 'SEND\n\n' + 'x'.repeat(70_000) + '\0', 'frame over'],
  ])('refuses %s', (_name, text, message) => {
    expect(() => new StompParser().push(Buffer.from(text))).toThrow(StompProtocolError);
    expect(() => new StompParser().push(Buffer.from(text))).toThrow(message);
  });
});
