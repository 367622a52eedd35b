/**
 * The yardstick for the service benchmark: a bare node:http server doing the same non-blocking
 * wait as the service's GET /, with no framework, metrics or logging. Started as its own process.
 *   PORT (required), WORK_DELAY_MS (default 1000), APP_VERSION (default 2)
 */
import http from 'node:http';

const port = Number(process.env.PORT);
const delayMs = Number(process.env.WORK_DELAY_MS ?? 1000);
const version = process.env.APP_VERSION ?? '2';
if (!Number.isInteger(port) || port < 0 || port > 65535 || !(delayMs >= 0)) {
  console.error('bareServer: PORT must be a port number and WORK_DELAY_MS a number of milliseconds >= 0');
  process.exit(2);
}

const body = JSON.stringify({ message: `Hello from version ${version}!` });
const headers = { 'content-type': 'application/json', 'x-app-version': version, 'x-pod-name': 'bare' };

const server = http.createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  } else if (req.url === '/') {
    // WORK_DELAY_MS=0: answer at once (the generator benchmark's fast endpoint), not on the next timer tick.
    if (delayMs === 0) res.writeHead(200, headers).end(body);
    else setTimeout(() => res.writeHead(200, headers).end(body), delayMs);
  } else {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
  }
});
server.keepAliveTimeout = 60_000;
server.listen({ port, host: '127.0.0.1', backlog: 4096 });
process.on('SIGTERM', () => process.exit(0));
