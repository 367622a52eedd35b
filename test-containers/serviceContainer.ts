// Helpers for the container tests: build the service image from the Dockerfile, start it hardened as the
// Kubernetes manifests run it, talk to it over the published port on 127.0.0.1, and read how it exited.
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GenericContainer, Wait, getContainerRuntimeClient, type StartedTestContainer } from 'testcontainers';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const NODE_IMAGE = process.env.NODE_IMAGE ?? 'node:24-bookworm-slim';
export const SERVICE_PORT = 8080;

/**
 * Builds the Dockerfile at the repo root with APP_VERSION baked in, tagged `hello-test:v<version>`, so the
 * user's hello:v1/hello:v2 stay as they built them. Uses the classic builder, the same path as
 * `docker build` without buildx. A failed build surfaces only as "Failed to build image": rerun with
 * DEBUG=testcontainers:build to see its output.
 */
export async function buildServiceImage(version: '1' | '2'): Promise<string> {
  const tag = `hello-test:v${version}`;
  await GenericContainer.fromDockerfile(REPO_ROOT)
    .withBuildArgs({ NODE_IMAGE, APP_VERSION: version })
    .build(tag, { deleteOnExit: false });
  return tag;
}

/** GenericContainer plus the one setting testcontainers 11 has no method for. */
class ServiceContainer extends GenericContainer {
  withReadOnlyRootFilesystem(): this {
    this.hostConfig.ReadonlyRootfs = true;
    return this;
  }
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Read-only root filesystem, all capabilities dropped, no-new-privileges: the pod's securityContext. */
  hardened?: boolean;
}

export interface RunningService {
  container: StartedTestContainer;
  /** http://127.0.0.1:<published port> */
  baseUrl: string;
  logs: string[];
}

const started: StartedTestContainer[] = [];

export async function startService(image: string, options: StartOptions = {}): Promise<RunningService> {
  const logs: string[] = [];
  const container = new ServiceContainer(image)
    .withExposedPorts(SERVICE_PORT)
    .withEnvironment({ LOG_LEVEL: 'info', ...options.env })
    .withWaitStrategy(Wait.forHttp('/health', SERVICE_PORT).forStatusCode(200))
    .withStartupTimeout(30_000)
    .withAutoRemove(false)
    .withLogConsumer((stream) =>
      stream.on('data', (line: Buffer | string) => logs.push(String(line).trim())),
    );
  if (options.hardened) {
    container
      .withReadOnlyRootFilesystem()
      .withDroppedCapabilities('ALL')
      .withSecurityOpt('no-new-privileges');
  }
  const running = await container.start();
  started.push(running);
  // Always 127.0.0.1 with the mapped port: getHost() may say "localhost" (which can resolve to ::1) or, with a
  // remote DOCKER_HOST, another machine; this project's tests send traffic to 127.0.0.1 only.
  return { container: running, baseUrl: `http://127.0.0.1:${running.getMappedPort(SERVICE_PORT)}`, logs };
}

/** Stops (SIGKILL at once) and removes every container startService made; for after() hooks. */
export async function removeAllServices(): Promise<void> {
  const client = await getContainerRuntimeClient();
  await Promise.allSettled(
    started.splice(0).map(async (container) => {
      const handle = client.container.getById(container.getId());
      await client.container.stop(handle, { timeout: 0 }).catch(() => undefined);
      await client.container.remove(handle, { removeVolumes: true });
    }),
  );
}

export interface ContainerState {
  running: boolean;
  exitCode: number;
  oomKilled: boolean;
  user: string;
}

export async function inspectState(container: StartedTestContainer): Promise<ContainerState> {
  const client = await getContainerRuntimeClient();
  const info = await client.container.inspect(client.container.getById(container.getId()));
  return {
    running: info.State.Running,
    exitCode: info.State.ExitCode,
    oomKilled: info.State.OOMKilled,
    user: info.Config.User,
  };
}

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * One GET on a fresh connection (no agent: every request is its own TCP connection, like separate clients).
 * `onSent` fires once the whole request has been handed to the socket, i.e. it is in flight.
 */
export function get(url: string, onSent?: () => void, timeoutMs = 15_000): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false, timeout: timeoutMs }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
      );
      response.on('error', reject);
    });
    request.on('finish', () => onSent?.());
    request.on('timeout', () => request.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}
