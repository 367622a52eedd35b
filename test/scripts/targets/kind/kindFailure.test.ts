import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostPortTaken, kindFailureReason } from '../../../../scripts/targets/kind/kindFailure.js';

// What kind v0.32.0 printed on this machine (no registry reachable, a port taken, a stopped node).
const IMAGE = 'kindest/node:v1.36.1@sha256:3489c7674813ba5d8b1a9977baea8a6e553784dab7b84759d1014dbd78f7ebd5';
const NO_IMAGE = `cgroup v1 is deprecated in Kubernetes and will not be supported in a future kind release, please upgrade to cgroup v2
Creating cluster "zero-downtime" ...
 • Ensuring node image (kindest/node:v1.36.1) 🖼  ...
 ✗ Ensuring node image (kindest/node:v1.36.1) 🖼
ERROR: failed to create cluster: failed to pull image "${IMAGE}": command "docker pull ${IMAGE}" failed with error: exit status 1

Command Output: Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host
`;
const ID = '10a0a2d1df3a945da5d1668c20961cd049fbd87232c9eb3085b924c8fa9b37ee';
const PORT_TAKEN = ` • Preparing nodes 📦   ...
 ✗ Preparing nodes 📦
ERROR: failed to create cluster: command "docker run --name zero-downtime-control-plane --hostname zero-downtime-control-plane --privileged --publish=127.0.0.1:8080:30080/TCP ${IMAGE}" failed with error: exit status 125

Command Output: ${ID}
docker: Error response from daemon: driver failed programming external connectivity on endpoint zero-downtime-control-plane (687b191e70302956bfcb0a14d622466faa03ab908c6eb880a12207f3ce3b031f): Error starting userland proxy: listen tcp4 127.0.0.1:8080: bind: address already in use.

Run 'docker run --help' for more information
`;

test("keeps kind's reason and the failed command's output, on one line", () => {
  assert.equal(
    kindFailureReason(NO_IMAGE),
    `failed to create cluster: failed to pull image "${IMAGE}": \`docker pull\` exited 1: Error response from daemon: ` +
      'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host',
  );
});

test("keeps Docker's whole error when the host port is taken, without the container id and the --help hint", () => {
  const reason = kindFailureReason(PORT_TAKEN);
  assert.equal(
    reason,
    'failed to create cluster: `docker run` exited 125: docker: Error response from daemon: driver failed programming ' +
      'external connectivity on endpoint zero-downtime-control-plane (687b191e70302956bfcb0a14d622466faa03ab908c6eb880a12207f3ce3b031f): ' +
      'Error starting userland proxy: listen tcp4 127.0.0.1:8080: bind: address already in use.',
  );
  assert.equal(hostPortTaken(reason), true);
  assert.equal(hostPortTaken(kindFailureReason(NO_IMAGE)), false);
});

test('stops before a stack trace, and falls back to the last line when kind printed no ERROR', () => {
  // kind -v 1 and more (kubernetes-sigs/kind#3845).
  const verbose =
    'ERROR: failed to load image: command "docker exec --privileged -i kind-control-plane ctr --namespace=k8s.io ' +
    'images import --all-platforms --digests --snapshotter=overlayfs -" failed with error: exit status 1\n' +
    'Command Output: ctr: content digest sha256:82014a3c: not found\n' +
    'Stack Trace: \nsigs.k8s.io/kind/pkg/errors.WithStack\n        sigs.k8s.io/kind/pkg/errors/errors.go:59\n';
  assert.equal(
    kindFailureReason(verbose),
    'failed to load image: `docker exec` exited 1: ctr: content digest sha256:82014a3c: not found',
  );
  assert.equal(kindFailureReason('something went wrong\nkilled\n'), 'killed');
});
