import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { test } from 'node:test';
import { STATE } from '../test/support/clusterScripts.js';

// etcd holds the whole cluster: every Secret, every pod spec. On the real cluster it speaks TLS only and answers
// only clients with a certificate from its own CA (the API server's, our health check's), as kubeadm sets it up.
// Each refusal is beside the same request with etcd's client certificate, which is answered.

const PORT = Number(process.env.ZDR_ETCD_PORT ?? 12379);
const PKI = path.join(STATE, 'pki');
const read = (file: string) => fs.readFileSync(path.join(PKI, file));

type Answer = { status: number; body: string } | { error: string };

function ask(request: http.ClientRequest): Promise<Answer> {
  return new Promise((resolve) => {
    request.setTimeout(5000, () => request.destroy(new Error('timeout')));
    request.on('response', (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', (error) => resolve({ error: String(error) }));
    });
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    request.end(
      request.method === 'POST' ? JSON.stringify({ key: Buffer.from('/registry').toString('base64') }) : '',
    );
  });
}

/** GET /health, or a read of every key under /registry (POST /v3/kv/range), over TLS with the given client. */
function overTls(route: 'health' | 'read', client: { cert?: Buffer; key?: Buffer }): Promise<Answer> {
  const options = {
    host: '127.0.0.1',
    port: PORT,
    ca: read('etcd/ca.crt'),
    servername: 'localhost',
    ...client,
    agent: false,
  };
  return ask(
    route === 'health'
      ? https.request({ ...options, path: '/health', method: 'GET' })
      : https.request({ ...options, path: '/v3/kv/range', method: 'POST' }),
  );
}

const etcdClient = () => ({
  cert: read('apiserver-etcd-client.crt'),
  key: read('apiserver-etcd-client.key'),
});
const answered = (answer: Answer) => 'status' in answer && answer.status === 200;

test('etcd answers its own CA’s client over TLS: the control for every refusal below', async () => {
  const health = await overTls('health', etcdClient());
  assert.ok(answered(health), JSON.stringify(health));
  assert.match((health as { body: string }).body, /"health":"true"/);
  const read = await overTls('read', etcdClient());
  assert.ok(answered(read), JSON.stringify(read));
});

test('plain HTTP to etcd is refused: no health answer, no read of the cluster state', async () => {
  for (const [route, method] of [
    ['/health', 'GET'],
    ['/v3/kv/range', 'POST'],
  ] as const) {
    const answer = await ask(
      http.request({ host: '127.0.0.1', port: PORT, path: route, method, agent: false }),
    );
    assert.ok(
      !answered(answer),
      `${method} ${route} over plain HTTP was answered: ${JSON.stringify(answer)}`,
    );
    if ('body' in answer) assert.doesNotMatch(answer.body, /"health"|"kvs"|"header"/);
  }
});

test('TLS without a client certificate is refused', async () => {
  for (const route of ['health', 'read'] as const) {
    const answer = await overTls(route, {});
    assert.ok('error' in answer, `${route} without a client certificate: ${JSON.stringify(answer)}`);
  }
});

test('a client certificate of the cluster CA (the admin’s) does not open etcd: only etcd’s CA counts', async () => {
  const answer = await overTls('read', { cert: read('admin.crt'), key: read('admin.key') });
  assert.ok('error' in answer, JSON.stringify(answer));
});
