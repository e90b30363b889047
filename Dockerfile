# syntax=docker/dockerfile:1
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The client package is an npm workspace; the server imports the shared contract from it.
COPY packages/client ./packages/client
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:24-slim AS runtime
ENV NODE_ENV=production PORT=8000 HOST=0.0.0.0
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=build /app/packages/client/package.json ./packages/client/package.json
COPY --from=build /app/packages/client/dist ./packages/client/dist
# The `node` devDependency pins Node 24 for npm scripts on older hosts; the image already has Node 24.
# No scripts: the client workspace's `prepare` would rebuild it without TypeScript; it is built above.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY routes.config.json ./
USER node
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Run node directly: `npm start` runs it under sh, which does not forward SIGTERM, so nothing would drain.
# A smaller young generation keeps RSS flat under a flood of distinct tokens at no measured throughput
# cost (bench: 1.58x -> 1.14x RSS after 100k tokens).
CMD ["node", "--max-semi-space-size=8", "dist/server.js"]
