import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  BRIDGE,
  BRIDGE_IP,
  clusterHealthy,
  CONTEXT,
  ip,
  iptables,
  kubectl,
  POD_CIDR_PREFIX,
  STATE,
} from '../test/support/clusterScripts.js';

// The fence around the real cluster's pods (cluster/scripts/up.sh): a pod reaches other pods, Services and the
// kubelet, and nothing else: not the host's own addresses, not anything the host routes elsewhere, no IPv6. Tried
// from inside a pod (kubectl exec, node -e), and from network namespaces the test plugs into the bridge itself, as
// a pod with NET_ADMIN or NET_RAW could be: IPv6 turned back on, a source address outside the pod range. Every
// refusal sits beside a control that reaches the same listener another way, so a probe that cannot connect at all
// would fail the control instead of passing the check.

const POD = 'fence-probe';
const NODE_PORT = 30090;
const KUBELET_PORT = 10250;
// A network of the test's own beside the bridge: "elsewhere" for the pods, and never off this machine.
// A spoofed source comes from its range too: answers to it would go there, never off the machine.
const OUTSIDE = {
  ns: 'zdrt-out',
  hostSide: 'zdrt-out0',
  hostIp: '10.253.77.1',
  ip: '10.253.77.2',
  spoof: '10.253.77.3',
};

const MANIFEST = `
apiVersion: v1
kind: Pod
metadata: { name: ${POD}, labels: { app: ${POD} } }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: probe
      image: hello:v1
      imagePullPolicy: Never
      env: [{ name: WORK_DELAY_MS, value: '0' }, { name: POD_NAME, value: ${POD} }]
      readinessProbe: { httpGet: { path: /health, port: 8080 }, periodSeconds: 1 }
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: [ALL] } }
---
apiVersion: v1
kind: Service
metadata: { name: ${POD} }
spec:
  type: NodePort
  selector: { app: ${POD} }
  ports: [{ port: 80, targetPort: 8080, nodePort: ${NODE_PORT} }]
`;

// Tries every target at once; each is 'connected', 'timeout' (dropped) or the socket error's code.
const PROBE = `
const net = require('net');
const targets = JSON.parse(process.argv[1]);
Promise.all(targets.map((t) => new Promise((resolve) => {
  const socket = net.connect({ host: t.host, port: t.port, localAddress: t.from });
  const done = (result) => { socket.destroy(); resolve(result); };
  socket.setTimeout(2500, () => done('timeout'));
  socket.on('connect', () => done('connected'));
  socket.on('error', (error) => done(error.code || String(error)));
}))).then((results) => console.log(JSON.stringify(results)));
`;
const SERVER = `require('net').createServer((s) => s.end()).listen(Number(process.argv[1]), '::', () => console.log('listening'));`;

interface Target {
  host: string;
  port: number;
  from?: string;
}

const execFile = (file: string, args: string[]) =>
  new Promise<string>((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${file} ${args[0]}: ${code} ${err}`)),
    );
  });

async function fromPod(targets: Target[]): Promise<string[]> {
  const out = await execFile('kubectl', [
    '--context',
    CONTEXT,
    'exec',
    POD,
    '--',
    'node',
    '-e',
    PROBE,
    JSON.stringify(targets),
  ]);
  return JSON.parse(out) as string[];
}
async function fromNamespace(ns: string, targets: Target[]): Promise<string[]> {
  const out = await execFile('ip', [
    'netns',
    'exec',
    ns,
    process.execPath,
    '-e',
    PROBE,
    JSON.stringify(targets),
  ]);
  return JSON.parse(out) as string[];
}
async function fromHost(targets: Target[]): Promise<string[]> {
  const out = await execFile(process.execPath, ['-e', PROBE, JSON.stringify(targets)]);
  return JSON.parse(out) as string[];
}
const label = (targets: Target[], results: string[]) =>
  targets.map((t, i) => `${t.from ? `${t.from} -> ` : ''}${t.host}:${t.port} ${results[i]}`).join('\n');
function assertAll(targets: Target[], results: string[], expected: 'connected' | 'fails') {
  for (const [i, result] of results.entries()) {
    if (expected === 'connected') assert.equal(result, 'connected', label(targets, results));
    else
      assert.notEqual(
        result,
        'connected',
        `reached ${targets[i]!.host}:${targets[i]!.port}\n${label(targets, results)}`,
      );
  }
}

/** A free address near the top of the pod range (host-local hands them out from the bottom). */
function freePodAddresses(count: number): string[] {
  const ipamDir = path.join(STATE, 'cni/ipam/zero-downtime');
  const taken = new Set(fs.existsSync(ipamDir) ? fs.readdirSync(ipamDir) : []);
  const free: string[] = [];
  for (let last = 253; free.length < count && last > 200; last--) {
    if (!taken.has(`${POD_CIDR_PREFIX}${last}`)) free.push(`${POD_CIDR_PREFIX}${last}`);
  }
  return free;
}

function hostAddresses(family: 'inet' | 'inet6'): string[] {
  const links = JSON.parse(
    ip('-j', family === 'inet' ? '-4' : '-6', 'addr', 'show', 'scope', 'global'),
  ) as Array<{
    ifname: string;
    addr_info: Array<{ local: string; family: string }>;
  }>;
  return links
    .filter((link) => link.ifname !== BRIDGE)
    .flatMap((link) => link.addr_info.filter((a) => a.family === family).map((a) => a.local));
}

const servers: ChildProcess[] = [];
async function serveIn(ns: string, port: number): Promise<void> {
  const server = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', SERVER, String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  servers.push(server);
  await once(server.stdout!, 'data');
}

let hostServer: net.Server;
let port = 0;
let clusterIp = '';
const pods = { a: '', b: '' };

before(async () => {
  assert.ok(clusterHealthy(), 'no healthy cluster: run npm run cluster:up and export its KUBECONFIG');
  hostServer = net.createServer((socket) => socket.end());
  hostServer.listen(0, '::');
  await once(hostServer, 'listening');
  port = (hostServer.address() as net.AddressInfo).port;

  // A probe pod of an earlier run may still be terminating: apply would leave it be, and it goes away under us.
  kubectl('delete', 'pod,service', POD, '--ignore-not-found', '--wait=true', '--timeout=60s');
  const apply = spawn('kubectl', ['--context', CONTEXT, 'apply', '-f', '-'], {
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  apply.stdin.end(MANIFEST);
  await once(apply, 'exit');
  kubectl('wait', '--for=condition=Ready', `pod/${POD}`, '--timeout=120s');
  clusterIp = kubectl('get', 'service', POD, '-o', 'jsonpath={.spec.clusterIP}');
  // Ready is not yet in kube-proxy's rules (until its next sync the Service refuses): wait until the NodePort
  // answers, which is the same rules.
  const deadline = Date.now() + 60_000;
  while (
    !(await fetch(`http://127.0.0.1:${NODE_PORT}/health`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (Date.now() > deadline)
      throw new Error(`the Service did not answer on 127.0.0.1:${NODE_PORT} within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  // Elsewhere: a veth pair to a namespace of our own, with a listener.
  ip('netns', 'add', OUTSIDE.ns);
  ip('link', 'add', OUTSIDE.hostSide, 'type', 'veth', 'peer', 'name', 'zdrt-out1', 'netns', OUTSIDE.ns);
  ip('addr', 'add', `${OUTSIDE.hostIp}/29`, 'dev', OUTSIDE.hostSide);
  ip('link', 'set', OUTSIDE.hostSide, 'up');
  for (const args of [
    ['addr', 'add', `${OUTSIDE.ip}/29`, 'dev', 'zdrt-out1'],
    ['link', 'set', 'zdrt-out1', 'up'],
    ['link', 'set', 'lo', 'up'],
    // Its answers to the pods would find their way back: only the fence stands between.
    ['route', 'add', `${POD_CIDR_PREFIX}0/24`, 'via', OUTSIDE.hostIp],
  ])
    ip('-n', OUTSIDE.ns, ...args);
  await serveIn(OUTSIDE.ns, port);

  // Two "pods" of the test's own on the bridge: IPv6 on (link-local), and A also holds an address of the outside
  // network, to send from a source outside the pod range whose answers would stay on this machine.
  [pods.a, pods.b] = freePodAddresses(2) as [string, string];
  for (const [name, address, linkLocal] of [
    ['a', pods.a, 'fe80::a'],
    ['b', pods.b, 'fe80::b'],
  ] as const) {
    const ns = `zdrt-${name}`;
    ip('netns', 'add', ns);
    ip('link', 'add', `${ns}0`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
    ip('link', 'set', `${ns}0`, 'master', BRIDGE, 'up');
    for (const args of [
      ['link', 'set', 'lo', 'up'],
      ['addr', 'add', `${address}/24`, 'dev', 'eth0'],
      ['-6', 'addr', 'add', `${linkLocal}/64`, 'dev', 'eth0', 'nodad'],
      ['link', 'set', 'eth0', 'up'],
      ['route', 'add', 'default', 'via', BRIDGE_IP],
    ])
      ip('-n', ns, ...args);
  }
  ip('-n', 'zdrt-a', 'addr', 'add', `${OUTSIDE.spoof}/32`, 'dev', 'eth0');
  await serveIn('zdrt-b', port);
});

after(() => {
  for (const server of servers) server.kill();
  hostServer?.close();
  for (const ns of [OUTSIDE.ns, 'zdrt-a', 'zdrt-b']) {
    try {
      ip('netns', 'delete', ns);
    } catch {
      // not made: before() stopped earlier
    }
  }
  try {
    ip('link', 'delete', OUTSIDE.hostSide);
  } catch {
    // gone with its namespace
  }
  try {
    kubectl('delete', 'pod,service', POD, '--ignore-not-found', '--wait=false');
  } catch {
    // the cluster went away: nothing to delete
  }
});

test('from inside a pod, the kubelet and a Service (by its ClusterIP) are reached, and the Service answers on its NodePort', async () => {
  const targets = [
    { host: BRIDGE_IP, port: KUBELET_PORT },
    { host: clusterIp, port: 80 },
  ];
  assertAll(targets, await fromPod(targets), 'connected');
  const answer = await fetch(`http://127.0.0.1:${NODE_PORT}/`);
  assert.equal(answer.status, 200);
  assert.match(await answer.text(), /Hello from version 1!/);
});

test('from inside a pod, the host’s own addresses are closed: external, docker0, the bridge on a port not the kubelet’s', async () => {
  const targets = [...hostAddresses('inet'), BRIDGE_IP].map((host) => ({ host, port }));
  assert.ok(targets.length >= 2, 'the host has an external IPv4 address');
  assertAll(targets, await fromHost(targets), 'connected'); // the listener is there
  assertAll(targets, await fromPod(targets), 'fails');
});

test('from inside a pod, nothing the host routes elsewhere is reached, and no IPv6 address at all', async () => {
  const elsewhere = [{ host: OUTSIDE.ip, port }];
  assertAll(elsewhere, await fromHost(elsewhere), 'connected');
  assertAll(elsewhere, await fromPod(elsewhere), 'fails');

  const ipv6 = [...hostAddresses('inet6'), `fe80::b%eth0`, '::1'].map((host) => ({ host, port }));
  const hostIpv6 = ipv6.filter((t) => !t.host.includes('%') && t.host !== '::1');
  assertAll(hostIpv6, await fromHost(hostIpv6), 'connected');
  assertAll(ipv6, await fromPod(ipv6), 'fails');
  assert.equal(kubectl('exec', POD, '--', 'cat', '/proc/sys/net/ipv6/conf/all/disable_ipv6').trim(), '1');
});

test('a pod that turns IPv6 back on is fenced in too: IPv6 between pods on the bridge is dropped', async () => {
  // The control: the two namespaces talk IPv4 over the bridge.
  const control = [{ host: pods.b, port }];
  assertAll(control, await fromNamespace('zdrt-a', control), 'connected');
  // Bridged, so it passes ip6tables (bridge-nf-call-ip6tables), which drops all IPv6 from the bridge.
  const ipv6 = [{ host: 'fe80::b%eth0', port }];
  assertAll(ipv6, await fromNamespace('zdrt-a', ipv6), 'fails');
});

test('a pod that sends from an address outside the pod range is dropped before the host tracks the packet', async () => {
  // The kubelet's port is open to pods, so only the raw PREROUTING rule stands between a spoofed source and it.
  // A spoofed connection never completes either way (the answer goes to the real owner of the address), so what
  // is checked is the host's side: no connection from that address is tracked, where one from the pod's own is.
  const tracked = (source: string) =>
    execFileSync(
      'conntrack',
      ['-L', '-p', 'tcp', '-s', source, '-d', BRIDGE_IP, '--dport', String(KUBELET_PORT)],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    )
      .split('\n')
      .filter(Boolean).length;
  spawnSync('conntrack', ['-D', '-s', OUTSIDE.spoof], { stdio: 'ignore' });
  const targets = [
    { host: BRIDGE_IP, port: KUBELET_PORT, from: pods.a },
    { host: BRIDGE_IP, port: KUBELET_PORT, from: OUTSIDE.spoof },
  ];
  const [own, spoofed] = await fromNamespace('zdrt-a', targets);
  assert.equal(own, 'connected', label(targets, [own!, spoofed!]));
  assert.ok(tracked(pods.a) > 0, 'the control: the connection from the pod address is tracked');
  assert.equal(tracked(OUTSIDE.spoof), 0, `a connection from ${OUTSIDE.spoof} got past raw PREROUTING`);
});

test('it is the fence that closes the host and the way out: with its rules opened for one pod, the same probes get through', async () => {
  const external = hostAddresses('inet').find((address) => address !== OUTSIDE.hostIp)!;
  const targets = [
    { host: external, port, from: pods.a },
    { host: OUTSIDE.ip, port, from: pods.a },
  ];
  assertAll(targets, await fromNamespace('zdrt-a', targets), 'fails');
  const holes: Array<[string, string, string[]]> = [
    ['filter', 'ZDR-INPUT', ['-s', pods.a, '-d', external, '-j', 'ACCEPT']],
    ['filter', 'ZDR-FORWARD', ['-s', pods.a, '-d', OUTSIDE.ip, '-j', 'ACCEPT']],
    ['filter', 'ZDR-FORWARD', ['-s', OUTSIDE.ip, '-d', pods.a, '-j', 'ACCEPT']],
    ['mangle', 'ZDR-ISOLATE', ['-s', pods.a, '-d', OUTSIDE.ip, '-j', 'RETURN']],
  ];
  for (const [table, chain, rule] of holes) {
    assert.equal(iptables('iptables', '-t', table, '-I', chain, '1', ...rule).code, 0);
  }
  try {
    assertAll(targets, await fromNamespace('zdrt-a', targets), 'connected');
  } finally {
    for (const [table, chain, rule] of holes) {
      assert.equal(iptables('iptables', '-t', table, '-D', chain, ...rule).code, 0);
    }
  }
  assertAll(targets, await fromNamespace('zdrt-a', targets), 'fails');
});
