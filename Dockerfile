# syntax=docker/dockerfile:1.7
# LegacyBridge server image: build with the full toolchain, run on a slim image with only the
# server's production dependencies, as a non-root user, with a read-only root filesystem.
#   docker build -t legacybridge .
#   docker run --rm -p 8080:8080 -e DATABASE_URL=postgresql://… legacybridge

ARG NODE_IMAGE=node:20.20-bookworm-slim

# ---- build: install from the lockfile, build every package, then cut a production-only copy ----
FROM ${NODE_IMAGE} AS build
# better-sqlite3 compiles from source (no prebuilt binaries are fetched): python3, make, g++.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
ENV npm_config_nodedir=/usr/local CI=true
# Manifests first, so the dependency layer is cached until a package.json or the lockfile changes.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY packages/ packages/
COPY examples/ examples/
RUN npx --yes pnpm@12.4.2 install --frozen-lockfile
COPY tsconfig*.json ./
RUN npx --yes pnpm@12.4.2 -r --filter "./packages/**" run build \
 && npx --yes pnpm@12.4.2 --filter @legacybridge/server deploy --prod /out

# ---- runtime: node + the server's production dependencies, nothing else ----
FROM ${NODE_IMAGE} AS runtime
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="legacybridge" \
      org.opencontainers.image.description="Safe, read-only MCP access for AI assistants to legacy SQL databases" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://github.com/legacybridge/legacybridge"
# tini as PID 1: forwards SIGTERM to the server (graceful shutdown) and reaps the SQLite runner
# processes; the node image's own user `node` is uid 1000.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build --chown=root:root /out /app
ENV NODE_ENV=production \
    APP_ENV=production \
    APP_HOST=0.0.0.0 \
    APP_PORT=8080 \
    LOG_FORMAT=json \
    XDG_CACHE_HOME=/tmp/cache
# The only writable paths: /tmp (the demo database and scratch) — mount an emptyDir/tmpfs there
# when the root filesystem is read-only.
VOLUME ["/tmp"]
USER 1000:1000
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.APP_PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/dist/cli.js"]
CMD ["--transport", "http"]
