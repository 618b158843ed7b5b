/**
 * What the sandbox's unit specs share: a sandbox per spec file and a token for it, i'mport's API called as the
 * plugin calls it, a paid payment, and a receiver for webhooks. Each spec file gets its own copy of this module.
 */

import http from "node:http"
import type { AddressInfo } from "node:net"
import { CONTROL_TOKEN_HEADER, startSandbox, type RunningSandbox, type SandboxOptions } from ".."

type Answer = { status: number; body: { code: number; message: string | null; response: any } & Record<string, any> }

export let sandbox: RunningSandbox
export let token: string

/** Starts one sandbox for the spec file that calls this at its top level; before each test, resetSandbox. */
export function useSandbox(): void {
  beforeAll(async () => {
    sandbox = await startSandbox()
  })
  afterAll(() => sandbox.close())
  beforeEach(resetSandbox)
}

/** A clean state, and a fresh token. */
export async function resetSandbox(): Promise<void> {
  sandbox.context.reset()
  token = await login()
}

/** Replaces the file's sandbox with one started with `options`, and logs in to it. */
export async function restartSandbox(options: SandboxOptions): Promise<void> {
  await sandbox.close()
  sandbox = await startSandbox(options)
  token = await login()
}

export async function call(
  method: string,
  path: string,
  body?: unknown,
  options: { auth?: string | null; form?: boolean } = {}
): Promise<Answer> {
  const headers: Record<string, string> = {}
  let payload: string | undefined
  if (body !== undefined) {
    headers["content-type"] = options.form ? "application/x-www-form-urlencoded" : "application/json"
    payload = options.form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body)
  }
  const auth = options.auth === undefined ? `Bearer ${token}` : options.auth
  if (auth) {
    headers.authorization = auth
  }
  if (path.startsWith("/sandbox/")) {
    // The control API's rules: the run's token, and JSON on every POST and DELETE, a body or not.
    headers[CONTROL_TOKEN_HEADER] = sandbox.controlToken
    headers["content-type"] = "application/json"
  }
  const res = await fetch(`${sandbox.url}${path}`, { method, headers, body: payload })
  return { status: res.status, body: (await res.json()) as Answer["body"] }
}

async function login(): Promise<string> {
  const res = await call(
    "POST",
    "/users/getToken",
    { imp_key: "sandbox_imp_key", imp_secret: "sandbox_imp_secret" },
    { auth: null }
  )
  return res.body.response.access_token as string
}

export async function paid(merchantUid: string, amount = 10000, currency = "KRW"): Promise<string> {
  await call("POST", "/payments/prepare", { merchant_uid: merchantUid, amount, currency })
  const res = await call("POST", "/sandbox/pay", { merchant_uid: merchantUid, outcome: "paid" })
  return res.body.imp_uid as string
}

/** A loopback receiver for the sandbox's webhooks. */
export async function receiver(): Promise<{
  url: string
  received: { type: string; body: string }[]
  close: () => Promise<void>
}> {
  const received: { type: string; body: string }[] = []
  const server = http.createServer((req, res) => {
    let body = ""
    req.on("data", (c) => (body += c))
    req.on("end", () => {
      received.push({ type: req.headers["content-type"] ?? "", body })
      res.end("ok")
    })
  })
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise((r) => (server.close(() => r()), server.closeAllConnections())),
  }
}
