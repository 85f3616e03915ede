// The stable address of a routed app under `npm start`: an HTTP (and websocket upgrade) forwarder on the app's
// port that sends each new request to the version routed now. The gateway always talks to this address, so
// switching versions (admin CLI: app reprocess / rollback) needs no gateway restart: requests already in flight
// finish on the old version, every request after the switch goes to the new one.
import { Agent, createServer, request } from 'node:http';
import { connect } from 'node:net';

/**
 * @param {{ port: number, host: string, target: () => { host: string, port: number } | undefined, name: string }} options
 * @returns {Promise<{ close(): Promise<void> }>}
 */
export async function startFrontProxy({ port, host, target, name }) {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const fail = (res, status, message) => {
    if (res.headersSent) return res.destroy();
    res.writeHead(status, { 'content-type': 'application/json', ...(status === 503 ? { 'retry-after': '1' } : {}) });
    res.end(JSON.stringify({ message }));
  };
  const server = createServer((req, res) => {
    const to = target();
    if (!to) return fail(res, 503, `${name}: no version is routed`);
    const out = request({ host: to.host, port: to.port, method: req.method, path: req.url, headers: req.headers, agent }, (upstream) => {
      res.writeHead(upstream.statusCode ?? 502, upstream.rawHeaders);
      upstream.pipe(res);
    });
    out.on('error', (error) => fail(res, 502, `${name}: the routed version did not answer (${error.message})`));
    req.on('aborted', () => out.destroy());
    req.pipe(out);
  });
  server.on('upgrade', (req, socket, head) => {
    const to = target();
    if (!to) return socket.destroy();
    const upstream = connect(to.port, to.host, () => {
      const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head?.length) upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    close: async () => {
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
