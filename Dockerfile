# Greenlight's container image. Two stages: `build` installs every dependency, compiles the
# TypeScript and packs the npm package; the image itself holds only that package with its
# production dependencies (the files `npm install greenlight` gives a stranger), on Node's slim
# Debian image, running as a non-root user. Nothing secret is in it: configure it with GREENLIGHT_*
# variables (secrets from *_FILE) and, optionally, a YAML file mounted read-only (docs/deploy.md).
#
#   docker build -t greenlight .
#   docker run -d --name greenlight -p 127.0.0.1:8787:8787 -v greenlight-data:/data greenlight
#   docker logs greenlight        # the first start prints the admin key, once
#
# Build arguments:
#   NODE_IMAGE        the base (default: the official Node.js LTS slim image on Debian 13)
#   WITH_CLAUDE_CODE  true: keep Claude Code's own binary (about 360 MB) for agent sessions run in
#                     the container; by default it is left out (see docs/deploy.md)

ARG NODE_IMAGE=node:26-trixie-slim

FROM ${NODE_IMAGE} AS build
# A compiler for better-sqlite3 where no prebuilt binary fits, and tini, the init process the image
# runs as PID 1. Only tini's static binary reaches the image.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ tini \
 && rm -rf /var/lib/apt/lists/*
# Node's headers are in the image already: a native build need not download them.
ENV npm_config_nodedir=/usr/local
WORKDIR /src
COPY package.json package-lock.json ./
COPY scripts/app-tree.js scripts/
# Behind a proxy that inspects TLS, npm needs the proxy's CA, given as a build secret:
#   docker build --secret id=ca,src=/path/to/proxy-ca.pem .
# The production dependencies the lockfile pins, better-sqlite3 compiled, in /app: this layer is
# rebuilt only when the lockfile changes (test/deploy makes the same tree with the same script).
ARG WITH_CLAUDE_CODE=false
RUN --mount=type=secret,id=ca,required=false \
    if [ -f /run/secrets/ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca; fi \
 && node scripts/app-tree.js deps /app $([ "$WITH_CLAUDE_CODE" = true ] && echo --with-claude-code)
# Everything, for the TypeScript build; no install scripts (nothing here needs one to compile).
RUN --mount=type=secret,id=ca,required=false \
    if [ -f /run/secrets/ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca; fi \
 && npm ci --ignore-scripts --no-audit --no-fund
# .dockerignore admits only what the build needs: no data/, no dist/, no local config, no keys.
COPY . .
# prepack builds dist/ from a clean slate; the tarball is what `npm pack` publishes, and its files
# join the dependencies in /app.
RUN npm pack --pack-destination /tmp \
 && node scripts/app-tree.js files /tmp/greenlight-*.tgz /app \
 && chmod 0755 /app/bin/greenlight.js

FROM ${NODE_IMAGE}
COPY --from=build /usr/bin/tini-static /usr/bin/tini
# Owned by root and read-only to the server, which writes only under /data.
COPY --from=build /app /app
RUN ln -s /app/bin/greenlight.js /usr/local/bin/greenlight \
 && mkdir /data && chown 1000:1000 /data && chmod 0700 /data
# Env beats the YAML file: listen on every interface of the container, on the port the health
# check probes, with SQLite under the /data volume. Mount a config file and point
# GREENLIGHT_CONFIG at it for everything else.
ENV NODE_ENV=production \
    GREENLIGHT_HOST=0.0.0.0 \
    GREENLIGHT_PORT=8787 \
    GREENLIGHT_DATA_DIR=/data
# The base image's `node` user, by number so that a runtime can check it is not root.
USER 1000:1000
WORKDIR /data
VOLUME /data
EXPOSE 8787
# /health answers while the process serves HTTP (/ready is for load balancers). Slim images have
# no curl: Node's own fetch probes it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.GREENLIGHT_PORT + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# tini reaps orphaned processes (commands run by execute_approved, agent sessions) and passes
# SIGTERM on to the server, which answers its waiters and stops within server.shutdown_grace_sec.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/bin/greenlight.js"]
CMD ["serve"]
