/* The production topology under test (npm run test:scale, npm run bench:medusa): one store, several `medusa start`
 * processes (MEDUSA_WORKER_MODE server or worker) sharing one PostgreSQL and one Redis, with Redis behind the event
 * bus, the workflow engine, locking and caching. SCALE_LOCKING=postgres swaps the locking provider for Medusa's
 * PostgreSQL one; SCALE_SCHEDULED_JOBS=off turns the plugin's scheduled jobs off. integration-tests/scale/cluster.ts
 * sets the environment. */
const path = require("node:path")
const { defineConfig } = require("@medusajs/framework/utils")
const { SCALE_TIMEOUT_MS } = require("./provider-timeout")

const root = path.resolve(__dirname, "../../..")
const env = (name) => {
  const value = process.env[name]
  if (!value) {
    throw new Error(`${name} is not set: this store is started by integration-tests/scale/cluster.ts`)
  }
  return value
}
const redisUrl = env("REDIS_URL")
const locking =
  process.env.SCALE_LOCKING === "postgres"
    ? { resolve: "@medusajs/medusa/locking-postgres", id: "locking-postgres", is_default: true }
    : { resolve: "@medusajs/medusa/locking-redis", id: "locking-redis", is_default: true, options: { redisUrl } }
// BullMQ keeps finished jobs for an hour at most, as Medusa's guide suggests for production.
const keep = { age: 3600, count: 1000 }
// How many events the worker handles at once (BullMQ's default is 1).
const concurrency = Number(process.env.SCALE_EVENT_CONCURRENCY ?? 10)

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: env("DATABASE_URL"),
    databaseDriverOptions: { connection: { ssl: false } },
    redisUrl,
    workerMode: env("MEDUSA_WORKER_MODE"),
    http: {
      jwtSecret: "scale-jwt-secret",
      cookieSecret: "scale-cookie-secret",
      storeCors: "*",
      adminCors: "*",
      authCors: "*",
    },
  },
  admin: { disable: true },
  // SCALE_SCHEDULED_JOBS=off (the benchmark): the plugin's jobs must not book what the benchmark times.
  plugins: [
    { resolve: root, options: { rejectionGraceSeconds: 0, scheduledJobs: process.env.SCALE_SCHEDULED_JOBS !== "off" } },
  ],
  modules: [
    {
      resolve: "@medusajs/medusa/event-bus-redis",
      options: { redisUrl, workerOptions: { concurrency }, jobOptions: { removeOnComplete: keep, removeOnFail: keep } },
    },
    { resolve: "@medusajs/medusa/workflow-engine-redis", options: { redis: { redisUrl } } },
    { resolve: "@medusajs/medusa/locking", options: { providers: [locking] } },
    {
      resolve: "@medusajs/medusa/caching",
      options: {
        providers: [
          { resolve: "@medusajs/caching-redis", id: "caching-redis", is_default: true, options: { redisUrl } },
        ],
      },
    },
    {
      resolve: "@medusajs/medusa/payment",
      options: {
        // The no-op provider is the benchmark's baseline for Medusa's core notice path. (Medusa 2.21's hook route
        // delays every notice 5 s: it reads `webhook_delay` from a property the payment module does not have, so
        // that option does nothing.)
        providers: [
          {
            resolve: path.join(root, ".medusa/server/src/providers/iamport-paymentwall"),
            id: "paymentwall",
            options: {
              impKey: "sandbox_imp_key",
              impSecret: "sandbox_imp_secret",
              impCode: "imp12345678",
              channelKey: "channel-key-paymentwall-scale",
              mode: "test",
              apiBaseUrl: env("IAMPORT_SANDBOX_URL"),
              timeoutMs: SCALE_TIMEOUT_MS,
            },
          },
          { resolve: path.join(__dirname, "noop-provider"), id: "noop" },
        ],
      },
    },
  ],
})
