import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { quantile } from '../../loadtest/quantile.js';
import { benchRoot } from './benchResult.js';

export interface ImageReady {
  image: string;
  node: string;
  medianMs: number;
  minMs: number;
  maxMs: number;
  runs: number[];
  /** Whether NODE_COMPILE_CACHE was set in the image (the runs measure what the image does by default). */
  compileCache: string | null;
}

/**
 * Runs inside the container: spawns `node dist/service/main.js` `runs` times, each measured from just
 * before spawn() to the first 200 on GET /health (polled every 2 ms, a fresh connection each time),
 * then SIGKILLs it. The same measurement as bench/spawnServer.ts, on the image's own Node.js and files.
 */
const probeScript = (runs: number) => `
import { spawn } from 'node:child_process';
import http from 'node:http';
const health = (port) => new Promise((resolve) => {
  const req = http.get({ host: '127.0.0.1', port, path: '/health', agent: false }, (res) => {
    res.resume();
    res.on('end', () => resolve(res.statusCode));
  });
  req.on('error', () => resolve(null));
});
const times = [];
for (let i = 0; i < ${runs}; i++) {
  const port = 18000 + i;
  const t0 = performance.now();
  const child = spawn(process.execPath, ['dist/service/main.js'], {
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  while ((await health(port)) !== 200) {
    if (performance.now() - t0 > 10000) throw new Error('not ready within 10 s');
    await new Promise((r) => setTimeout(r, 2));
  }
  times.push(performance.now() - t0);
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
}
console.log(JSON.stringify({ node: process.version, compileCache: process.env.NODE_COMPILE_CACHE ?? null, times }));
`;

/**
 * Time to ready in the image, measured inside the container as the image runs it: read-only root
 * filesystem, the image's user, no network but loopback. `docker run` itself (creating the
 * container, ~0.5 s here) is not included: that is the runtime's cost, not the service's.
 */
export function imageReady(image: string, runs: number): ImageReady {
  const r = spawnSync(
    'docker',
    [
      ...['run', '--rm', '--read-only', '--network', 'none', '--entrypoint', 'node', image],
      ...['--input-type=module', '-e', probeScript(runs)],
    ],
    { encoding: 'utf8', timeout: 30_000 + runs * 10_000 },
  );
  if (r.error || r.status !== 0)
    throw new Error(
      `docker run ${image} (exit ${r.status ?? r.signal}): ${(r.stderr || r.error?.message || '').trim().slice(-300)}`,
    );
  const { node, compileCache, times } = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
    node: string;
    compileCache: string | null;
    times: number[];
  };
  const sorted = [...times].sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    image,
    node,
    compileCache,
    medianMs: round(quantile(sorted, 0.5)),
    minMs: round(sorted[0]!),
    maxMs: round(sorted.at(-1)!),
    runs: times.map(round),
  };
}

/**
 * The image's time to ready, after building it from this checkout (scripts/docker/build-images.sh, as
 * hello-bench:v1/v2 so it never replaces the images other tools use; seconds when its layers are
 * cached), or why it was not measured: no Docker daemon (scripts/docker/ensure-docker.sh starts one),
 * no base image (npm run image:base) or a failed build. Not measured is never a pass.
 */
export function imageReadyOrWhyNot(runs: number): ImageReady | { notMeasured: string } {
  if (spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 }).status !== 0)
    return { notMeasured: 'the Docker daemon does not answer (bash scripts/docker/ensure-docker.sh)' };
  console.log('image: building hello-bench:v2 from this checkout (bash scripts/docker/build-images.sh) ...');
  const build = spawnSync('bash', [path.join(benchRoot, 'scripts/docker/build-images.sh')], {
    env: { ...process.env, IMAGE_NAME: 'hello-bench' },
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (build.status !== 0)
    return { notMeasured: `the image build failed: ${build.stderr.trim().slice(-300)}` };
  try {
    return imageReady('hello-bench:v2', runs);
  } catch (error) {
    return { notMeasured: error instanceof Error ? error.message : String(error) };
  }
}
