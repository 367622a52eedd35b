# The service image. One build argument picks the version:
#   docker build --build-arg APP_VERSION=1 -t hello:v1 .
#   docker build --build-arg APP_VERSION=2 -t hello:v2 .
# (npm run image:build does both.) Where no container registry is reachable, build the base first:
# npm run image:base (scripts/docker/build-offline-base.sh makes a local node:24-bookworm-slim).
#
# Written for the classic builder as well as BuildKit (no RUN --mount, no COPY --chmod): testcontainers and
# Docker engines without buildx use the classic one.

# Declared before the first FROM so every stage can use it; each FROM below names it again.
ARG NODE_IMAGE=node:24-bookworm-slim

# --- build: all dependencies, compile the service (service/ -> dist/service/), then bundle it into one file ---
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: compiling needs no install script, and some dev dependencies' optional native builds
# (ssh2 -> cpu-features) would try to fetch Node.js headers from the internet. esbuild runs without its
# postinstall (it finds its platform binary, @esbuild/linux-x64, at run time).
RUN npm ci --ignore-scripts --no-audit --no-fund --update-notifier=false
COPY tsconfig.json ./
COPY service/ ./service/
RUN npx tsc -p service/tsconfig.json
# One file with the service and its production dependencies: node resolves, reads and compiles one module
# instead of a few hundred, which is most of the time to ready in the image (bench:service). Traps:
# - ES module output keeps main.js's top-level await; the CommonJS dependencies in it (express, pino, ...) call
#   require(), which esbuild's ESM output only has when the banner defines it, or every require of a Node.js
#   built-in throws "Dynamic require of ... is not supported" (https://github.com/evanw/esbuild/issues/1921);
# - the banner's createRequire is renamed, because service/createServer.ts imports createRequire itself and an
#   ES module cannot declare the same name twice.
RUN npx esbuild dist/service/main.js --bundle --platform=node --format=esm --target=node24 \
      --outfile=bundle/main.js --log-level=warning \
      --banner:js="import { createRequire as bundleCreateRequire } from 'node:module'; const require = bundleCreateRequire(import.meta.url);"

# --- runtime: the bundled service + package.json, nothing else (no node_modules: the bundle holds them) ---
FROM ${NODE_IMAGE} AS runtime
ARG APP_VERSION=1
ENV NODE_ENV=production \
    APP_VERSION=${APP_VERSION} \
    PORT=8080
WORKDIR /app
# Files stay owned by root and read-only for the app's user: the process cannot rewrite its own code, and
# nothing here writes to disk, so the container runs with a read-only root filesystem
# (securityContext.readOnlyRootFilesystem: true). package.json is needed at run time: its "type": "module"
# makes node load dist/service/main.js as an ES module.
COPY --from=build /app/bundle/main.js ./dist/service/main.js
COPY package.json ./
# Node.js's module compile cache, built here once: starting the service the way the container does fills it
# with V8 code for the bundle's functions that start-up runs, and every start after that reads it instead of
# compiling them again (bench:service, spawn -> first 200 on /health in this image: 15-35 ms less with the
# cache than with NODE_DISABLE_COMPILE_CACHE=1, bundle or not). Traps:
# - the root filesystem is read-only at run time, so it must be built now; at run time node only reads it (a
#   miss is compiled as usual, never an error);
# - node keeps it in a subdirectory named after the uid (v24.x-x64-<hash>-1000), so it is built as the uid the
#   container runs as, then handed back to root like every other file here;
# - node writes it when the process exits, so the service is stopped cleanly (SIGTERM), not killed.
# https://nodejs.org/api/module.html#module-compile-cache
ENV NODE_COMPILE_CACHE=/app/.compile-cache
RUN install -d -o 1000 -g 1000 /app/.compile-cache
USER 1000:1000
RUN node --input-type=module -e " \
      import { spawn } from 'node:child_process'; \
      const env = { ...process.env, PORT: '8099', SHUTDOWN_DELAY_MS: '0', LOG_LEVEL: 'warn' }; \
      const app = spawn(process.execPath, ['dist/service/main.js'], { env, stdio: 'inherit' }); \
      const ready = () => fetch('http://127.0.0.1:8099/health').then((r) => r.ok, () => false); \
      for (let i = 0; i < 200 && !(await ready()); i++) await new Promise((r) => setTimeout(r, 50)); \
      app.kill('SIGTERM'); \
      process.exitCode = await new Promise((r) => app.once('exit', r));"
USER root
RUN chown -R root:root /app/.compile-cache && chmod -R a+rX,go-w /app/.compile-cache
# Numeric, not `USER node` (the same uid 1000 in the base image): with runAsNonRoot: true the kubelet can only
# verify a numeric user; a name fails with "image has non-numeric user (node), cannot verify user is non-root".
# https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
USER 1000:1000
EXPOSE 8080
# Exec form, node itself as PID 1: SIGTERM from `docker stop` or the kubelet reaches the service's handler and
# starts the graceful shutdown. The shell form (`ENTRYPOINT node ...`) or `npm start` would put sh or npm in
# between, which does not forward the signal, and the container would be SIGKILLed at the grace period's end.
# As PID 1, node gets no default signal actions from the kernel, so the service installs its own handlers.
# https://github.com/nodejs/docker-node/blob/main/docs/BestPractices.md#handling-kernel-signals
ENTRYPOINT ["node", "dist/service/main.js"]
