import { spawn, type ChildProcess } from "node:child_process"
import fs from "node:fs"
import path from "node:path"
import { Client, Pool } from "pg"
import { startSandbox, type RunningSandbox } from "../../src/sandbox"
import { PLUGIN_ROOT } from "../helpers/test-store-config"
import { WEBHOOK_PATH } from "../helpers/sandbox"
import { startRedis, type RedisServer } from "./redis"

export const STORE_DIR = path.join(__dirname, "store")
const MEDUSA_BIN = path.join(PLUGIN_ROOT, "node_modules", ".bin", "medusa")
export const ADMIN = { email: "admin@scale.local", password: "scale-password" }

/** Two HTTP servers (an i'mport notice or an admin can reach either) and the worker that runs subscribers and jobs. */
export type ProcessName = "server-a" | "server-b" | "worker"
const MODES: Record<ProcessName, "server" | "worker"> = { "server-a": "server", "server-b": "server", worker: "worker" }

/** scheduledJobs: false turns the plugin's scheduled jobs off in every process (its `scheduledJobs` option), for the benchmark. */
export type ClusterOptions = {
  locking?: "redis" | "postgres"
  basePort?: number
  label?: string
  scheduledJobs?: boolean
}

type Running = { child: ChildProcess; exited: Promise<number | null>; log: string }

/**
 * One store as production runs it: separate `medusa start` processes (server, server, worker), each on its own port
 * and stopped by its pid, sharing one PostgreSQL database and one Redis, with the sandbox standing in for i'mport.
 */
export class Cluster {
  readonly processes = new Map<ProcessName, Running>()
  readonly ports: Record<ProcessName, number>
  readonly runDir: string
  private constructor(
    readonly sandbox: RunningSandbox,
    readonly redis: RedisServer,
    readonly db: Pool,
    readonly database: string,
    readonly databaseUrl: string,
    readonly options: Required<ClusterOptions>
  ) {
    const base = options.basePort
    this.ports = { "server-a": base, "server-b": base + 1, worker: base + 2 }
    this.runDir = path.join(PLUGIN_ROOT, "artifacts", "scale", options.label)
    fs.mkdirSync(this.runDir, { recursive: true })
  }

  /** Redis, the sandbox, a fresh database migrated and seeded, and the three processes, ready. */
  static async start(options: ClusterOptions = {}): Promise<Cluster> {
    const full: Required<ClusterOptions> = {
      locking: "redis",
      basePort: 19100,
      label: "scale",
      scheduledJobs: true,
      ...options,
    }
    const redis = await startRedis(
      full.basePort + 10,
      path.join(PLUGIN_ROOT, "artifacts", "scale", full.label, "redis")
    )
    const sandbox = await startSandbox({ ticketSettleAfterMs: null })
    const database = `scale_${full.label.replace(/\W/g, "_")}_${Date.now()}`
    const admin = pgClient("postgres")
    await admin.connect()
    await admin.query(`CREATE DATABASE "${database}"`)
    await admin.end()
    const db = new Pool({ ...pgSettings(), database, max: 4 })
    const cluster = new Cluster(sandbox, redis, db, database, connectionUrl(database), full)
    await cluster.medusa(["db:migrate"], "migrate")
    await cluster.medusa(["exec", path.join(PLUGIN_ROOT, "demo", "seed.js")], "seed", {
      DEMO_STORE_FILE: path.join(cluster.runDir, "store.json"),
      DEMO_ADMIN_EMAIL: ADMIN.email,
      DEMO_ADMIN_PASSWORD: ADMIN.password,
      DEMO_STOCK: "100000",
    })
    await Promise.all((Object.keys(MODES) as ProcessName[]).map((name) => cluster.startProcess(name)))
    return cluster
  }

  url(name: ProcessName): string {
    return `http://127.0.0.1:${this.ports[name]}`
  }

  hookUrl(name: ProcessName): string {
    return `${this.url(name)}${WEBHOOK_PATH}`
  }

  seeded(): { publishable_key: string; regions: { id: string; currency_code: string }[] } {
    return JSON.parse(fs.readFileSync(path.join(this.runDir, "store.json"), "utf8"))
  }

  env(name: string): NodeJS.ProcessEnv {
    // Jest's own NODE_OPTIONS stay out of the store's processes; the worker gets the memory probe.
    const probe = name === "worker" ? `--expose-gc --require ${path.join(STORE_DIR, "gc-probe.js")}` : ""
    return {
      ...process.env,
      NODE_OPTIONS: probe,
      SCALE_MEMORY_FILE: this.memoryFile,
      NODE_ENV: "production",
      DATABASE_URL: this.databaseUrl,
      REDIS_URL: this.redis.url,
      IAMPORT_SANDBOX_URL: this.sandbox.url,
      SCALE_LOCKING: this.options.locking,
      SCALE_SCHEDULED_JOBS: this.options.scheduledJobs ? "on" : "off",
      MEDUSA_WORKER_MODE: MODES[name as ProcessName] ?? "shared",
      MEDUSA_DISABLE_TELEMETRY: "true",
      LOG_LEVEL: process.env.SCALE_LOG_LEVEL ?? "info",
    }
  }

  /** A one-off Medusa command in the store (migrate, seed, exec a script), waited for; its output is kept in the run's folder. */
  async medusa(args: string[], label: string, extraEnv: Record<string, string> = {}): Promise<string> {
    const child = spawn(MEDUSA_BIN, args, {
      cwd: STORE_DIR,
      env: { ...this.env(label), ...extraEnv },
      stdio: ["ignore", "pipe", "pipe"],
    })
    let output = ""
    child.stdout.on("data", (chunk) => (output += chunk))
    child.stderr.on("data", (chunk) => (output += chunk))
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve))
    fs.writeFileSync(path.join(this.runDir, `${label}.log`), output)
    if (code !== 0) {
      throw new Error(`medusa ${args.join(" ")} failed (exit ${code}):\n${output.slice(-4000)}`)
    }
    return output
  }

  async startProcess(name: ProcessName): Promise<void> {
    if (this.processes.has(name)) {
      throw new Error(`${name} is already running`)
    }
    const log = path.join(this.runDir, `${name}.log`)
    const out = fs.openSync(log, "a")
    const child = spawn(MEDUSA_BIN, ["start"], {
      cwd: STORE_DIR,
      env: { ...this.env(name), PORT: String(this.ports[name]) },
      stdio: ["ignore", out, out],
    })
    fs.closeSync(out)
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
    this.processes.set(name, { child, exited, log })
    void exited.then(() => this.processes.get(name)?.child === child && this.processes.delete(name))
    await waitForHealth(`${this.url(name)}/health`, 180_000, exited, log)
  }

  pid(name: ProcessName): number {
    const pid = this.processes.get(name)?.child.pid
    if (!pid) {
      throw new Error(`${name} is not running`)
    }
    return pid
  }

  /** SIGKILL: the process dies where it stands, as on an OOM kill or a pulled plug. */
  async kill(name: ProcessName): Promise<void> {
    const running = this.processes.get(name)
    process.kill(this.pid(name), "SIGKILL")
    await running?.exited
  }

  /** SIGTERM, then the exit code and how long the process took to go (SIGKILL after `graceMs`). */
  async stopProcess(
    name: ProcessName,
    graceMs = 60_000
  ): Promise<{ code: number | null; ms: number; killed: boolean }> {
    const running = this.processes.get(name)
    if (!running) {
      return { code: null, ms: 0, killed: false }
    }
    const started = Date.now()
    process.kill(running.child.pid!, "SIGTERM")
    const timer = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), graceMs).unref())
    const outcome = await Promise.race([running.exited, timer])
    if (outcome === "timeout") {
      process.kill(running.child.pid!, "SIGKILL")
      await running.exited
      return { code: null, ms: Date.now() - started, killed: true }
    }
    return { code: outcome, ms: Date.now() - started, killed: false }
  }

  async restart(name: ProcessName): Promise<void> {
    await this.stopProcess(name)
    await this.startProcess(name)
  }

  /** The resident memory of a process, from /proc (kB → bytes). */
  rss(name: ProcessName): number {
    const status = fs.readFileSync(`/proc/${this.pid(name)}/status`, "utf8")
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024
  }

  get memoryFile(): string {
    return path.join(this.runDir, "worker-memory.json")
  }

  /** The worker's memory after two full collections (gc-probe.js answers SIGUSR2). */
  async workerMemory(): Promise<{ rss: number; heapUsed: number }> {
    fs.rmSync(this.memoryFile, { force: true })
    process.kill(this.pid("worker"), "SIGUSR2")
    const deadline = Date.now() + 10_000
    while (!fs.existsSync(this.memoryFile)) {
      if (Date.now() > deadline) {
        throw new Error("the worker did not report its memory (gc-probe.js)")
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
    return JSON.parse(fs.readFileSync(this.memoryFile, "utf8"))
  }

  /** Stops the processes, the sandbox and Redis, then drops the database start() created. */
  async stop(): Promise<void> {
    await Promise.all([...this.processes.keys()].map((name) => this.stopProcess(name, 30_000)))
    try {
      await this.sandbox.close()
      await this.redis.stop()
    } finally {
      // Only once every process has exited: nothing of this run is left to read the database.
      await this.db.end().catch((error: unknown) => warn(`closing the pool of ${this.database}`, error))
      await dropDatabase(this.database)
    }
  }
}

/**
 * Drops a database this run created, so the test server does not pile them up; never fails the run (a warning says
 * what is left). FORCE ends sessions that outlived their process by a moment; only this run's processes used it.
 */
async function dropDatabase(database: string): Promise<void> {
  const admin = pgClient("postgres")
  try {
    await admin.connect()
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)
  } catch (error) {
    warn(`dropping the test database ${database} (drop it by hand)`, error)
  } finally {
    await admin.end().catch(() => undefined)
  }
}

function warn(what: string, error: unknown): void {
  console.warn(`[scale] ${what} failed: ${error instanceof Error ? error.message : String(error)}`)
}

function pgSettings(): { host: string; port: number; user: string; password: string } {
  return {
    host: process.env.DB_HOST ?? "localhost",
    port: Number(process.env.DB_PORT ?? 5432),
    user: process.env.DB_USERNAME ?? "postgres",
    password: process.env.DB_PASSWORD ?? "postgres",
  }
}

function pgClient(database: string): Client {
  return new Client({ ...pgSettings(), database })
}

function connectionUrl(database: string): string {
  const { host, port, user, password } = pgSettings()
  return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${database}`
}

async function waitForHealth(
  url: string,
  timeoutMs: number,
  exited: Promise<number | null>,
  log: string
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let gone = false
  void exited.then(() => (gone = true))
  while (Date.now() < deadline) {
    if (gone) {
      throw new Error(`the process for ${url} exited while starting; the end of ${log}:\n${tail(log)}`)
    }
    try {
      if ((await fetch(url)).ok) {
        return
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s; the end of ${log}:\n${tail(log)}`)
}

export function tail(file: string, chars = 4000): string {
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8").slice(-chars) : "(no log)"
}
