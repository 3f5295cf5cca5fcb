# One image, two roles: `node dist/main.js` (API, the default) and `node dist/worker.js` (worker);
# `node dist/cli.js migrate` applies migrations as a separate, explicit step.

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:24-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node templates ./templates
USER node
EXPOSE 3000
CMD ["node", "dist/main.js"]
