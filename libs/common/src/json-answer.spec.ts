import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JsonText, writeJson } from './json-answer';

describe('writeJson', () => {
  let server: Server;
  let url: string;
  let answer: (res: Parameters<typeof writeJson>[0]) => void = () => undefined;

  beforeAll(async () => {
    server = createServer((_req, res) => answer(res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers the status with the body serialized once, its UTF-8 length and the JSON content type', async () => {
    answer = (res) => writeJson(res, 201, { text: 'grüß dich 👋', n: [1, 2] });
    const response = await fetch(url);
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(response.headers.get('content-length')).toBe(String(bytes.length));
    expect(JSON.parse(bytes.toString('utf8'))).toEqual({ text: 'grüß dich 👋', n: [1, 2] });
  });

  it('sends a JsonText as it is, and nothing for undefined', async () => {
    answer = (res) => writeJson(res, 200, new JsonText('{"cached":true}'));
    expect(await (await fetch(url)).text()).toBe('{"cached":true}');
    answer = (res) => writeJson(res, 200, undefined);
    const empty = await fetch(url);
    expect(empty.headers.get('content-length')).toBe('0');
    expect(await empty.text()).toBe('');
  });
});
