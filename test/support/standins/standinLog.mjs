// Shared by the stand-in docker, kind and kubectl: records each call as one JSON line in $STANDIN_LOG
// ({ tool, argv, env, pid }, and `input` when a stand-in read its stdin), and reads earlier calls back (the
// stand-ins are separate processes).
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Environment variables worth asserting on (the harness passes NODE_IMAGE through to docker build). */
const RECORDED_ENV = ['NODE_IMAGE', 'KUBECONFIG'];

export function record(tool, extra = {}) {
  const argv = process.argv.slice(2);
  const file = process.env.STANDIN_LOG;
  if (file) {
    const env = Object.fromEntries(
      RECORDED_ENV.filter((name) => process.env[name]).map((name) => [name, process.env[name]]),
    );
    fs.appendFileSync(file, `${JSON.stringify({ tool, argv, env, pid: process.pid, ...extra })}\n`);
  }
  return argv;
}

/** Earlier calls, oldest first. */
export function history() {
  const file = process.env.STANDIN_LOG;
  if (!file || !fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

export function answer(code, stdout = '', stderr = '') {
  if (stdout) process.stdout.write(stdout);
  if (stderr) process.stderr.write(stderr);
  process.exitCode = code;
}

/**
 * The kind clusters on this pretend machine, shared by the stand-in kind, docker and kubectl: name →
 * { hostPort, state } where state is 'running', 'half-made' (the node container exists but is stopped,
 * as an interrupted `kind create` leaves it) or 'api-down' (the node runs, its API server does not).
 * Starts from STANDIN_KIND_CLUSTERS (NAME, NAME=PORT, NAME=half-made, NAME=api-down; comma-separated;
 * the port defaults to k8s/kind/cluster.yaml's 8080) and keeps what `kind create` and `kind delete` did
 * in a file beside STANDIN_LOG.
 */
export function readClusters() {
  const file = clustersFile();
  if (file && fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8'));
  const clusters = {};
  for (const entry of (process.env.STANDIN_KIND_CLUSTERS ?? '').split(',').filter(Boolean)) {
    const [name, how = ''] = entry.split('=');
    clusters[name] = /^\d+$/.test(how)
      ? { hostPort: Number(how), state: 'running' }
      : { hostPort: 8080, state: how || 'running' };
  }
  return clusters;
}

export function writeClusters(clusters) {
  const file = clustersFile();
  if (file) fs.writeFileSync(file, JSON.stringify(clusters));
}

function clustersFile() {
  return process.env.STANDIN_LOG ? `${process.env.STANDIN_LOG}.clusters.json` : null;
}

/** Waits ms milliseconds: the stand-ins take time, as the real tools do. */
export function pause(ms) {
  return sleep(ms);
}
