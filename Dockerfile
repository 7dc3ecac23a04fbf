# syntax=docker/dockerfile:1.7
# The EPCA API server and worker (`epca serve`, `epca worker`), built from this monorepo.
#   docker build -t epca:latest .
#   docker run -p 8000:8000 -e DATABASE_URL=postgres://… -e SECRET_KEY=… epca:latest
# Stage 1 installs every dependency and builds the packages; stage 2 keeps only `pnpm deploy`'s
# production tree of @epca/cli (no devDependencies, no sources, no tests) on a slim Node image.

ARG NODE_VERSION=20.19.0

FROM node:${NODE_VERSION}-bookworm-slim AS build
ENV PNPM_HOME=/pnpm CI=true
RUN npm install -g pnpm@10.34.9
WORKDIR /src
# pnpm's Docker recipe: `pnpm fetch` fills the store from the lockfile alone, so this layer is
# cached until the lockfile changes; the install after the copy then runs offline.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN --mount=type=cache,id=pnpm,target=/pnpm/store pnpm fetch
COPY . .
RUN --mount=type=cache,id=pnpm,target=/pnpm/store pnpm install --offline --frozen-lockfile
RUN pnpm --filter "@epca/cli..." run build \
 && pnpm --filter @epca/cli deploy --prod --legacy /app

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=8000 \
    HOST=0.0.0.0 \
    JSON_LOGS=true \
    ENABLE_METRICS=true \
    EPCA_DATA_DIR=/data
# A system user without a shell or a home of its own; the data directory (PGlite, when
# DATABASE_URL is unset) is the only place it writes.
RUN groupadd --system --gid 10001 epca \
 && useradd --system --uid 10001 --gid epca --no-create-home --shell /usr/sbin/nologin epca \
 && mkdir -p /data && chown epca:epca /data
WORKDIR /app
COPY --from=build --chown=root:root /app /app
USER epca:epca
EXPOSE 8000
VOLUME ["/data"]
# Node's own fetch: the image needs no curl. 503 (database down) fails the check.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/api/v1/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM reaches node directly (exec form, PID 1): the server drains and exits within its grace.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "/app/bin/epca.js"]
CMD ["serve"]
