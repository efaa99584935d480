# rerun-bot: the GitHub App server. Built from the same steps as the production-install test
# (test/e2e/production-install.test.ts): tools/install-production.sh packs the project and installs
# it without devDependencies; this image runs what that script installed.
#   docker build -t rerun-bot .
#   docker run --env-file .env -p 3000:3000 -v rerun-data:/data --stop-timeout 30 rerun-bot
# or, with Redis: docker compose up (compose.yaml).

FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# Every dependency, TypeScript included; no scripts yet (the sources are not here).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build && sh tools/install-production.sh /app

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    DATA_DIR=/data \
    PORT=3000
WORKDIR /app
# Root owns the code, read only for the bot; the bot owns only its data.
COPY --from=build /app /app
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 3000
# In production the server listens on every interface unless HOST says otherwise.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# docker stop sends SIGTERM: no new webhooks, work in flight gets up to 20 s, the rest stays queued
# on /data. Docker kills after 10 s unless told (`docker run --stop-timeout 30`; compose.yaml does);
# even then accepted work is not lost, only done after the restart.
CMD ["node", "lib/main.js"]
