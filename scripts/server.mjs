#!/usr/bin/env node
// The production server `npm start` runs: Next.js's request handler behind a plain Node HTTP server, so the app
// learns each request's real socket peer. Next itself keeps a client-supplied X-Forwarded-For as it is, so a
// route cannot tell a forged address from a real one; here every request carries the peer in x-pangolin-peer
// (whatever a client sent under that name is dropped first), and lib/request-info.ts believes X-Forwarded-For
// only when that peer is a proxy the operator trusts (PANGOLIN_TRUSTED_PROXIES).
import http from 'node:http';
import next from 'next';

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOSTNAME || undefined;
const app = next({ dev: false, dir: process.cwd(), port, hostname: hostname ?? 'localhost' });
const handle = app.getRequestHandler();
await app.prepare();

const server = http.createServer((req, res) => {
  delete req.headers['x-pangolin-peer'];
  req.headers['x-pangolin-peer'] = req.socket.remoteAddress ?? '';
  handle(req, res).catch((err) => {
    console.error('request failed', err);
    if (!res.headersSent) res.statusCode = 500;
    res.end();
  });
});
server.listen(port, hostname, () => {
  console.log(`Pangolin Console ready on http://${hostname ?? 'localhost'}:${port}`);
});
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  });
}
