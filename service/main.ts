// The service's entry point: wiring only. config → app → server → shutdown.
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, loadConfig } from './config.js';
import { createApp } from './createApp.js';
import { createServer } from './createServer.js';
import { installDemoFault, loadDemoFault } from './demoFaults.js';
import { installGracefulShutdown } from './gracefulShutdown.js';
import { openGreetingSource } from './greetingSource.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { createServiceState } from './serviceState.js';

/** Settings from the environment; a bad value stops the process here, with one line per bad variable. */
function fromEnvironment<T>(load: (env: NodeJS.ProcessEnv) => T): T {
  try {
    return load(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
}

const config = fromEnvironment(loadConfig);
const logger = createLogger(config);
const metrics = createMetrics();
const state = createServiceState();
const greeting = fromEnvironment(() => openGreetingSource(config, logger));
const app = createApp({ config, greeting, metrics, state, logger });
const server = createServer(app);
installGracefulShutdown({ server, config, state, metrics, logger });
installDemoFault(fromEnvironment(loadDemoFault), { server, logger }); // test only: see demoFaults.ts

logger.info({ workDelayMs: config.workDelayMs, startupDelayMs: config.startupDelayMs }, 'started');
await sleep(config.startupDelayMs);
// A deep accept queue: Node's default backlog (511) overflows when a burst of new connections arrives at
// once (a pod entering the Service under load), and the kernel silently drops the overflow, which clients
// see as a 1 s connect stall. The kernel caps it at net.core.somaxconn.
server.listen({ port: config.port, backlog: 4096 }, () => {
  const address = server.address();
  logger.info({ port: typeof address === 'object' && address ? address.port : config.port }, 'ready');
});
server.on('error', (error) => {
  logger.fatal({ err: error }, 'server failed to start');
  process.exit(1);
});
