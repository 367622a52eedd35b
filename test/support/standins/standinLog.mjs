// Shared by the stand-in docker, kind and kubectl: records each call as one JSON line in $STANDIN_LOG
// ({ tool, argv, env, pid }), and reads earlier calls back (the stand-ins are stateless processes).
import fs from 'node:fs';

/** Environment variables worth asserting on (the harness passes NODE_IMAGE through to docker build). */
const RECORDED_ENV = ['NODE_IMAGE', 'KUBECONFIG'];

export function record(tool) {
  const argv = process.argv.slice(2);
  const file = process.env.STANDIN_LOG;
  if (file) {
    const env = Object.fromEntries(
      RECORDED_ENV.filter((name) => process.env[name]).map((name) => [name, process.env[name]]),
    );
    fs.appendFileSync(file, `${JSON.stringify({ tool, argv, env, pid: process.pid })}\n`);
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
