// The app the local-driver spec runs: answers GET / with its APP_VERSION, on PORT.
import { createServer } from 'node:http';

const server = createServer((_req, res) => res.end(JSON.stringify({ version: Number(process.env.APP_VERSION) })));
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
