import { spawn, type ChildProcess } from "node:child_process"
import fs from "node:fs"
import path from "node:path"

/**
 * The demo store (scripts/demo.js) as a user starts it, for the demo's own test and as a storefront test's backend:
 * Medusa with the plugin, on its own ports and data directory, and the sandbox's control API through the token the
 * demo prints.
 */
export type DemoPorts = { api: number; storefront: number; sandbox: number; pg: number }

export type DemoStore = {
  api: string
  /** The sandbox as the browser reaches it: 127.0.0.1, another site than the storefront's localhost, as Paymentwall is. */
  sandbox: string
  publishableKey: string
  output: () => string
  stop: () => Promise<void>
  /** The demo's own process (its group holds Medusa and PostgreSQL). */
  child: ChildProcess
}

const ROOT = path.resolve(__dirname, "../..")

/** The environment of a user's shell: nothing jest or the test scripts set (jest's NODE_ENV=test hid a first-run bug). */
export function shellEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: "error" }
  for (const key of Object.keys(env)) {
    if (
      key === "NODE_ENV" ||
      key === "NODE_OPTIONS" ||
      key === "TEST_TYPE" ||
      key.startsWith("JEST") ||
      key.startsWith("DB_")
    ) {
      delete env[key]
    }
  }
  return env
}

/** Starts the demo and resolves once it printed "Ready". */
export async function startDemoStore(ports: DemoPorts, dataDir: string, timeoutMs: number): Promise<DemoStore> {
  let output = ""
  const child = spawn(
    process.execPath,
    [
      path.join(ROOT, "scripts/demo.js"),
      "--data-dir",
      dataDir,
      "--port",
      String(ports.api),
      "--storefront-port",
      String(ports.storefront),
      "--sandbox-port",
      String(ports.sandbox),
      "--pg-port",
      String(ports.pg),
    ],
    // Its own process group, so that a failed run can stop Medusa and PostgreSQL with it.
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: shellEnv(), detached: true }
  )
  child.stdout.on("data", (chunk) => (output += chunk))
  child.stderr.on("data", (chunk) => (output += chunk))
  const stop = () => stopGroup(child)
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the demo store was not ready within ${timeoutMs / 1000} s:\n${output}`)),
        timeoutMs
      )
      child.stdout.on("data", () => /Ready in [\d.]+ s/.test(output) && (clearTimeout(timer), resolve()))
      child.once(
        "exit",
        (code) => (clearTimeout(timer), reject(new Error(`the demo store exited (${code}):\n${output}`)))
      )
    })
  } catch (error) {
    await stop()
    throw error
  }
  const { publishable_key: publishableKey } = JSON.parse(fs.readFileSync(path.join(dataDir, "store.json"), "utf8"))
  return {
    api: `http://localhost:${ports.api}`,
    sandbox: `http://127.0.0.1:${ports.sandbox}`,
    publishableKey,
    output: () => output,
    stop,
    child,
  }
}

/** SIGTERM to the whole group (the demo stops what it started), SIGKILL after 20 s. */
export function stopGroup(child: ChildProcess): Promise<void> {
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve()
  }
  return new Promise((resolve) => {
    const kill = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal)
      } catch {
        // already gone
      }
    }
    const timer = setTimeout(() => kill("SIGKILL"), 20_000)
    child.once("exit", () => (clearTimeout(timer), resolve()))
    kill("SIGTERM")
  })
}

/** The sandbox's control API, with the token the demo printed (never logged). */
export async function sandboxControl<T = Record<string, unknown>>(
  demo: DemoStore,
  method: "GET" | "POST",
  route: string
): Promise<T> {
  const token = /control token (\S+)/.exec(demo.output())?.[1]
  if (!token) {
    throw new Error("the demo printed no sandbox control token")
  }
  const res = await fetch(`${demo.sandbox}${route}`, {
    method,
    headers: { "x-sandbox-token": token, "content-type": "application/json" },
  })
  const body = (await res.json()) as T
  if (!res.ok) {
    throw new Error(`sandbox ${method} ${route} answered ${res.status}: ${JSON.stringify(body)}`)
  }
  return body
}

export type AdminOrder = {
  id: string
  display_id: number
  email: string
  total: number
  payment_status: string
  payment_collections: { payments: { provider_id: string; captured_at: string | null; data: { imp_uid?: string } }[] }[]
}

/** An order as the admin API shows it, with its payments, through the admin login the demo printed. */
export async function adminOrder(demo: DemoStore, orderId: string): Promise<AdminOrder> {
  const login = /Admin\s+\S+\s+\((\S+) \/ (\S+)\)/.exec(demo.output())
  if (!login) {
    throw new Error("the demo printed no admin login")
  }
  const auth = await fetch(`${demo.api}/auth/user/emailpass`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: login[1], password: login[2] }),
  })
  const { token } = (await auth.json()) as { token: string }
  const res = await fetch(
    `${demo.api}/admin/orders/${orderId}?fields=id,display_id,email,total,payment_status,*payment_collections.payments`,
    {
      headers: { authorization: `Bearer ${token}` },
    }
  )
  if (!res.ok) {
    throw new Error(`GET /admin/orders/${orderId} answered ${res.status}`)
  }
  return ((await res.json()) as { order: AdminOrder }).order
}
