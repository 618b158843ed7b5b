#!/usr/bin/env node
/* npm run demo: a real Medusa 2.21 store with this plugin, on an embedded PostgreSQL, paying through the local
 * i'mport + Paymentwall sandbox. Starts PostgreSQL, the sandbox, the store (server and admin) and a small
 * storefront; seeds the store on first run; Ctrl-C stops all of it. Data lives in .demo/ (--reset wipes it). */
const { spawn } = require("node:child_process")
const fs = require("node:fs")
const path = require("node:path")
const { parseArgs } = require("node:util")
const { createHash } = require("node:crypto")
const os = require("node:os")
const { blockedForPostgres, startEmbeddedPostgres } = require("./lib/embedded-postgres")
const { assertPortsFree, waitForHealth } = require("./lib/processes")
const { buildPluginIfStale, buildAdminIfStale, bundleStorefront } = require("./lib/demo-build")
const { startStorefront } = require("./lib/demo-storefront")

const ROOT = path.resolve(__dirname, "..")
const STORE_DIR = path.join(ROOT, "demo")
const ADMIN = { email: "admin@paymentwall-demo.local", password: "paymentwall-demo" }

const { values: args } = parseArgs({
  options: {
    reset: { type: "boolean", default: false },
    port: { type: "string", default: "9000" },
    "storefront-port": { type: "string", default: "8000" },
    "sandbox-port": { type: "string", default: "8891" },
    "pg-port": { type: "string", default: "54329" },
    "data-dir": { type: "string", default: path.join(ROOT, ".demo") },
  },
})
const DATA = path.resolve(args["data-dir"])
/**
 * Where the database lives: in DATA, unless this is root and the "postgres" user (who runs the cluster for root)
 * cannot enter it (a 0700 home or temp folder); then in the system's temp directory, named after DATA.
 */
const PG_BLOCKED = blockedForPostgres(DATA)
const PG_DIR = PG_BLOCKED
  ? path.join(
      fs.existsSync("/var/tmp") ? "/var/tmp" : os.tmpdir(),
      `medusa-paymentwall-demo-${createHash("sha1").update(DATA).digest("hex").slice(0, 10)}`,
      "pg"
    )
  : path.join(DATA, "pg")
const ports = {
  "--port": Number(args.port),
  "--storefront-port": Number(args["storefront-port"]),
  "--sandbox-port": Number(args["sandbox-port"]),
  "--pg-port": Number(args["pg-port"]),
}
const urls = {
  api: `http://localhost:${ports["--port"]}`,
  storefront: `http://localhost:${ports["--storefront-port"]}`,
  sandbox: `http://localhost:${ports["--sandbox-port"]}`,
}

const started = Date.now()
const seconds = () => ((Date.now() - started) / 1000).toFixed(1)
const say = (line) => console.log(`[demo ${seconds().padStart(5)}s] ${line}`)
const cleanups = []
/** A path as the user reads it: relative inside the checkout, absolute outside it. */
const shown = (p) => (p.startsWith(ROOT + path.sep) ? path.relative(ROOT, p) : p)

const MEDUSA_BIN = path.join(ROOT, "node_modules", ".bin", "medusa")

/** A Medusa CLI command in the demo store, its output kept unless it fails. */
function medusaCommand(command, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(MEDUSA_BIN, command, { cwd: STORE_DIR, env, stdio: ["ignore", "pipe", "pipe"] })
    cleanups.push(() => stopChild(child))
    let output = ""
    child.stdout.on("data", (chunk) => (output += chunk))
    child.stderr.on("data", (chunk) => (output += chunk))
    child.once("error", reject)
    child.once("exit", (code) => {
      if (code === 0) {
        return resolve()
      }
      process.stderr.write(output)
      reject(new Error(`medusa ${command.join(" ")} failed (exit ${code}); its output is above`))
    })
  })
}

async function main() {
  for (const [flag, port] of Object.entries(ports)) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new Error(`${flag} must be a port number, got ${JSON.stringify(port)}`)
    }
  }
  await assertPortsFree(ports)
  if (args.reset && (fs.existsSync(DATA) || fs.existsSync(PG_DIR))) {
    say(`--reset: removing ${shown(DATA)} (the store's database, seed and storefront bundle)`)
    fs.rmSync(DATA, { recursive: true, force: true })
    fs.rmSync(path.dirname(PG_DIR), { recursive: true, force: true })
  }
  fs.mkdirSync(DATA, { recursive: true })
  if (PG_BLOCKED) {
    say(`the "postgres" user cannot enter ${PG_BLOCKED}, so the database lives in ${PG_DIR}`)
    fs.mkdirSync(path.dirname(PG_DIR), { recursive: true, mode: 0o755 })
  }

  if (buildPluginIfStale(ROOT)) {
    say("built the plugin (.medusa/server, .medusa/storefront)")
  }
  const adminBuild = buildAdminIfStale(ROOT, STORE_DIR).then(
    (built) => built && say("built the admin dashboard with the plugin's widget")
  )

  const pg = await startEmbeddedPostgres({ dataDir: PG_DIR, port: ports["--pg-port"], database: "medusa_demo" })
  cleanups.push(() => pg.stop())
  say(`PostgreSQL ${pg.fresh ? "initialised" : "started"} (embedded, data in ${shown(PG_DIR)})`)
  if (pg.fresh) {
    // A new database (first run, or the temp directory was emptied): whatever the last run seeded is gone with it.
    for (const stale of ["store.json", "sandbox.json"]) {
      fs.rmSync(path.join(DATA, stale), { force: true })
    }
  }

  const { startSandbox } = require(path.join(ROOT, ".medusa/server/src/sandbox"))
  const sandbox = await startSandbox({
    port: ports["--sandbox-port"],
    host: "127.0.0.1",
    webhook: { url: `${urls.api}/hooks/payment/iamport-paymentwall_paymentwall` },
    // Payments and tickets outlive a restart, as the store's orders do.
    stateFile: path.join(DATA, "sandbox.json"),
  })
  cleanups.push(() => sandbox.close())
  // The sandbox runs here, in the demo's own process (not in \`medusa start\`'s), so it needs no --allow-production.
  // Its control token is new each run; the control page carries it, and curl needs it (printed again when ready).
  say(`sandbox on ${sandbox.url}, webhooks to the store; control token ${sandbox.controlToken}`)

  const env = {
    ...process.env,
    DATABASE_URL: pg.url,
    PORT: String(ports["--port"]),
    DEMO_API_URL: urls.api,
    DEMO_STOREFRONT_URL: urls.storefront,
    DEMO_SANDBOX_URL: `http://127.0.0.1:${ports["--sandbox-port"]}`,
    DEMO_STORE_FILE: path.join(DATA, "store.json"),
    DEMO_ADMIN_EMAIL: ADMIN.email,
    DEMO_ADMIN_PASSWORD: ADMIN.password,
    MEDUSA_DISABLE_TELEMETRY: "true",
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
  }
  if (!fs.existsSync(env.DEMO_STORE_FILE)) {
    say("first run: migrating the database (a minute on 2 cores)")
    await medusaCommand(["db:migrate"], env)
    say("seeding: Korea (KRW) and United States (USD) regions, 3 products, shipping, a publishable key, an admin")
    await medusaCommand(["exec", "./seed.js"], env).catch((error) => {
      throw new Error(
        `${error.message}\n       A first run that stopped half-way leaves a half-seeded store: start over with npm run demo -- --reset`
      )
    })
  }
  const seeded = JSON.parse(fs.readFileSync(env.DEMO_STORE_FILE, "utf8"))

  await bundleStorefront(ROOT, path.join(DATA, "storefront"))
  const storefront = await startStorefront({
    port: ports["--storefront-port"],
    page: path.join(STORE_DIR, "storefront", "index.html"),
    bundle: path.join(DATA, "storefront", "main.js"),
    config: { apiUrl: urls.api, publishableKey: seeded.publishable_key, sandboxUrl: urls.sandbox },
  })
  cleanups.push(() => storefront.close())
  await adminBuild

  const server = spawn(MEDUSA_BIN, ["start"], { cwd: STORE_DIR, env, stdio: ["ignore", "inherit", "inherit"] })
  cleanups.push(() => stopChild(server))
  server.once("exit", (code, signal) => {
    if (!stopping) {
      console.error(`[demo] the Medusa server stopped (${signal ?? `exit ${code}`}); shutting down`)
      shutdown(1)
    }
  })
  await waitForHealth(`${urls.api}/health`, 180_000)

  console.log(`
  Ready in ${seconds()} s.

  Storefront            ${urls.storefront}
  Admin                 ${urls.api}/app     (${ADMIN.email} / ${ADMIN.password})
  Sandbox control page  ${urls.sandbox}
  Store API             ${urls.api}
  Publishable key       ${seeded.publishable_key}

  Sandbox control API   curl -H 'x-sandbox-token: ${sandbox.controlToken}' ${urls.sandbox}/sandbox/payments

  Buy something on the storefront, refund it in the admin (the order page shows "Waiting for cancellation"),
  then approve or reject the ticket on the sandbox control page. Ctrl-C stops everything; data stays in ${shown(DATA)}.
`)
}

function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve()
  }
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill("SIGKILL"), 15_000)
    child.once("exit", () => (clearTimeout(killer), resolve()))
    child.kill("SIGTERM")
  })
}

let stopping = false
async function shutdown(code) {
  if (stopping) {
    return
  }
  stopping = true
  say("stopping")
  for (const cleanup of cleanups.reverse()) {
    await Promise.resolve()
      .then(cleanup)
      .catch((error) => console.error(`[demo] while stopping: ${error.message ?? error}`))
  }
  say("stopped")
  process.exit(code)
}

process.on("SIGINT", () => shutdown(0))
process.on("SIGTERM", () => shutdown(0))
main().catch((error) => {
  console.error(`\n[demo] ${error.message ?? error}`)
  shutdown(1)
})
