# One image, two roles: `node dist/main.js` (API, the default) and `node dist/worker.js` (worker);
# `node dist/cli.js migrate` applies migrations as a separate, explicit step.

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

# The web console: static files the API serves at /console (console/dist).
FROM node:24-slim AS console
WORKDIR /app/console
COPY console/package.json console/package-lock.json ./
RUN npm install --no-audit --no-fund
COPY console ./
RUN npm run build

FROM node:24-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=console --chown=node:node /app/console/dist ./console/dist
COPY --chown=node:node templates ./templates
USER node
EXPOSE 3000
CMD ["node", "dist/main.js"]
