import { spawn } from "node:child_process"
import http from "node:http"
import type { IncomingMessage } from "node:http"
import path from "node:path"
import vm from "node:vm"
import { ALLOW_PRODUCTION_ENV, CONTROL_TOKEN_HEADER, startSandbox, type RunningSandbox } from ".."
import { isLoopbackHostHeader, isLoopbackName, pageRefusal } from "../control-auth"

type Reply = { status: number; text: string; json: () => Record<string, unknown> }

let sandbox: RunningSandbox
beforeAll(async () => {
  sandbox = await startSandbox()
})
afterAll(() => sandbox.close())
beforeEach(() => sandbox.context.reset())

/** A raw request, so that any Host and content type can be sent (fetch would fill in or refuse some). */
function raw(
  method: string,
  urlPath: string,
  options: { headers?: Record<string, string>; body?: string } = {}
): Promise<Reply> {
  const url = new URL(urlPath, sandbox.url)
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        headers: {
          ...options.headers,
          ...(options.body !== undefined ? { "content-length": String(Buffer.byteLength(options.body)) } : {}),
        },
      },
      (res) => {
        let text = ""
        res.setEncoding("utf8")
        res.on("data", (chunk: string) => (text += chunk))
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, text, json: () => JSON.parse(text) as Record<string, unknown> })
        )
      }
    )
    req.on("error", reject)
    req.end(options.body)
  })
}

const withToken = (extra: Record<string, string> = {}) => ({ [CONTROL_TOKEN_HEADER]: sandbox.controlToken, ...extra })
const json = { "content-type": "application/json" }
const payBody = JSON.stringify({
  merchant_uid: "auth_1",
  outcome: "paid",
  ignore_prepare: true,
  amount: 1000,
  currency: "KRW",
})

describe("the control API's content type", () => {
  it("refuses a form post with 415 and creates no payment, even with the token", async () => {
    const form = new URLSearchParams({
      merchant_uid: "auth_1",
      outcome: "paid",
      ignore_prepare: "true",
      amount: "1000",
    }).toString()
    const res = await raw("POST", "/sandbox/pay", {
      headers: withToken({ "content-type": "application/x-www-form-urlencoded" }),
      body: form,
    })
    expect(res.status).toBe(415)
    expect(res.json().message).toContain("application/json")
    expect(sandbox.context.state.payments.size).toBe(0)
  })

  it("refuses a text/plain post and a post with no content type, and changes nothing", async () => {
    expect((await raw("POST", "/sandbox/pay", { headers: withToken(json), body: payBody })).status).toBe(200)
    expect(
      (await raw("POST", "/sandbox/reset", { headers: withToken({ "content-type": "text/plain" }), body: "{}" })).status
    ).toBe(415)
    expect((await raw("POST", "/sandbox/reset", { headers: withToken() })).status).toBe(415)
    expect(
      (
        await raw("DELETE", "/sandbox/stats", {
          headers: withToken({ "content-type": "multipart/form-data; boundary=x" }),
        })
      ).status
    ).toBe(415)
    expect(sandbox.context.state.payments.size).toBe(1)
  })

  it("takes application/json with parameters, in any case", async () => {
    const res = await raw("POST", "/sandbox/pay", {
      headers: withToken({ "content-type": "Application/JSON; charset=utf-8" }),
      body: payBody,
    })
    expect(res.status).toBe(200)
    expect(sandbox.context.state.payments.size).toBe(1)
  })

  it("leaves i'mport's own API alone: getToken still takes a form body", async () => {
    const form = new URLSearchParams({ imp_key: "sandbox_imp_key", imp_secret: "sandbox_imp_secret" }).toString()
    const res = await raw("POST", "/users/getToken", {
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form,
    })
    expect(res.status).toBe(200)
    expect(res.json().code).toBe(0)
  })
})

describe("the control API's token", () => {
  it("is random per run, at least 128 bits, and unique to each sandbox", async () => {
    const other = await startSandbox()
    try {
      expect(sandbox.controlToken).toMatch(/^[A-Za-z0-9_-]{22,}$/)
      expect(other.controlToken).not.toBe(sandbox.controlToken)
      expect(
        (await raw("GET", "/sandbox/payments", { headers: { [CONTROL_TOKEN_HEADER]: other.controlToken } })).status
      ).toBe(401)
    } finally {
      await other.close()
    }
  })

  it("answers 401 without the token, or with a wrong one, changes nothing, and never echoes the token", async () => {
    const wrong = [
      undefined,
      "",
      "nope",
      `${sandbox.controlToken}x`,
      sandbox.controlToken.replace(/^./, (c) => (c === "A" ? "B" : "A")),
    ]
    for (const token of wrong) {
      const headers = token === undefined ? json : { ...json, [CONTROL_TOKEN_HEADER]: token }
      const res = await raw("POST", "/sandbox/pay", { headers, body: payBody })
      expect(res.status).toBe(401)
      expect(res.json().message).toContain(CONTROL_TOKEN_HEADER)
      expect(res.text).not.toContain(sandbox.controlToken)
    }
    expect((await raw("GET", "/sandbox/payments")).status).toBe(401)
    expect((await raw("GET", "/sandbox/calls")).status).toBe(401)
    expect(sandbox.context.state.payments.size).toBe(0)
  })

  it("lets a call with the token through", async () => {
    expect((await raw("POST", "/sandbox/pay", { headers: withToken(json), body: payBody })).status).toBe(200)
    const list = await raw("GET", "/sandbox/payments", { headers: withToken() })
    expect(list.status).toBe(200)
    expect(JSON.parse(list.text)).toHaveLength(1)
  })

  it("is not needed for GET /sandbox/health", async () => {
    const res = await raw("GET", "/sandbox/health")
    expect(res.status).toBe(200)
    expect(res.json()).toEqual({ ok: true })
  })

  it("is the one given as controlToken, when given; a malformed one is refused", async () => {
    const fixed = await startSandbox({ controlToken: "fixed-token-for-scripts_0123" })
    try {
      expect(fixed.controlToken).toBe("fixed-token-for-scripts_0123")
      expect(fixed.context.controlToken).toBe("fixed-token-for-scripts_0123")
    } finally {
      await fixed.close()
    }
    await expect(startSandbox({ controlToken: "short" })).rejects.toThrow(/16 to 256/)
    await expect(startSandbox({ controlToken: "has a space in it, sixteen+" })).rejects.toThrow(/16 to 256/)
  })
})

describe("the Host header, while the sandbox listens on loopback", () => {
  it("refuses the control API, the control page and the widget under another name, without the token in the answer", async () => {
    for (const host of [
      "evil.example",
      `evil.example:${sandbox.port}`,
      `evil.example@127.0.0.1:${sandbox.port}`,
      "127.0.0.1.evil.example",
      "[::2]:80",
      "0.0.0.0",
    ]) {
      for (const [method, route] of [
        ["GET", "/sandbox/payments"],
        ["GET", "/sandbox/health"],
        ["GET", "/"],
        ["GET", "/widget?p=%7B%7D"],
      ] as const) {
        const res = await raw(method, route, { headers: withToken({ host }) })
        expect([host, route, res.status]).toEqual([host, route, 421])
        expect(res.text).not.toContain(sandbox.controlToken)
      }
    }
    const pay = await raw("POST", "/sandbox/pay", {
      headers: withToken({ ...json, host: "evil.example" }),
      body: payBody,
    })
    expect(pay.status).toBe(421)
    expect(sandbox.context.state.payments.size).toBe(0)
  })

  it("takes localhost, 127.0.0.0/8 and [::1], with or without a port", async () => {
    for (const host of [
      "localhost",
      `localhost:${sandbox.port}`,
      `LOCALHOST:${sandbox.port}`,
      "127.0.0.1",
      `127.0.0.1:${sandbox.port}`,
      "127.1.2.3:9",
      `[::1]:${sandbox.port}`,
      "[::1]",
    ]) {
      expect([host, (await raw("GET", "/sandbox/payments", { headers: withToken({ host }) })).status]).toEqual([
        host,
        200,
      ])
    }
  })

  it("still serves iamport.js under the storefront's name for the sandbox, but not i'mport's API, which only the store's server calls", async () => {
    expect((await raw("GET", "/v1/iamport.js", { headers: { host: "sandbox.shop.test:8891" } })).status).toBe(200)
    // A rebinding page would log in with the well-known sandbox keys and cancel the developer's test payments.
    const body = JSON.stringify({ imp_key: "sandbox_imp_key", imp_secret: "sandbox_imp_secret" })
    expect(
      (await raw("POST", "/users/getToken", { headers: { ...json, host: "sandbox.shop.test" }, body })).status
    ).toBe(421)
    expect(
      (await raw("POST", "/users/getToken", { headers: { ...json, host: `127.0.0.1:${sandbox.port}` }, body })).status
    ).toBe(200)
  })

  it("reads names and Host headers strictly", () => {
    for (const name of ["localhost", "127.0.0.1", "127.255.0.9", "::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"]) {
      expect([name, isLoopbackName(name)]).toEqual([name, true])
    }
    for (const name of [
      "0.0.0.0",
      "::",
      "192.168.0.10",
      "10.0.0.1",
      "::2",
      "::ffff:10.0.0.1",
      "localhost.evil.example",
      "example.com",
      "",
    ]) {
      expect([name, isLoopbackName(name)]).toEqual([name, false])
    }
    expect(isLoopbackHostHeader(undefined)).toBe(false)
    expect(isLoopbackHostHeader("localhost:8891:1")).toBe(false)
    expect(isLoopbackHostHeader("user@localhost")).toBe(false)
  })

  it("serves the pages that carry the token only to a client on this machine (a sandbox bound with unsafeHost)", () => {
    const ctx = { controlToken: "t".repeat(32), options: { host: "0.0.0.0" } }
    const request = (host: string, remoteAddress: string) =>
      ({ headers: { host }, socket: { remoteAddress } }) as unknown as IncomingMessage
    expect(pageRefusal(ctx, request("127.0.0.1:8891", "127.0.0.1"))).toBeNull()
    expect(pageRefusal(ctx, request("localhost:8891", "::ffff:127.0.0.1"))).toBeNull()
    expect(pageRefusal(ctx, request("192.168.0.10:8891", "192.168.0.20"))?.status).toBe(403)
    // A DNS-rebinding page on this machine: loopback client, foreign name.
    expect(pageRefusal(ctx, request("evil.example:8891", "127.0.0.1"))?.status).toBe(403)
  })
})

describe("where the sandbox agrees to start", () => {
  it("refuses a host that is not loopback unless unsafeHost", async () => {
    await expect(startSandbox({ host: "0.0.0.0" })).rejects.toThrow(/not loopback.*--unsafe-host/)
    await expect(startSandbox({ host: "::" })).rejects.toThrow(/unsafeHost: true/)
    const unsafe = await startSandbox({ host: "0.0.0.0", unsafeHost: true })
    try {
      // Bound to the network, the control API keeps its token; a local client under a loopback name still works.
      const url = `http://127.0.0.1:${unsafe.port}/sandbox/payments`
      expect((await fetch(url)).status).toBe(401)
      expect((await fetch(url, { headers: { [CONTROL_TOKEN_HEADER]: unsafe.controlToken } })).status).toBe(200)
    } finally {
      await unsafe.close()
    }
    const named = await startSandbox({ host: "localhost" })
    await named.close()
  })

  describe("with NODE_ENV=production", () => {
    const saved = { nodeEnv: process.env.NODE_ENV, allow: process.env[ALLOW_PRODUCTION_ENV] }
    beforeEach(() => {
      process.env.NODE_ENV = "production"
      delete process.env[ALLOW_PRODUCTION_ENV]
    })
    afterEach(() => {
      process.env.NODE_ENV = saved.nodeEnv
      if (saved.allow === undefined) {
        delete process.env[ALLOW_PRODUCTION_ENV]
      } else {
        process.env[ALLOW_PRODUCTION_ENV] = saved.allow
      }
    })

    it("refuses to start, saying why", async () => {
      await expect(startSandbox()).rejects.toThrow(/NODE_ENV is production.*fixed test credentials/)
      process.env[ALLOW_PRODUCTION_ENV] = "yes"
      await expect(startSandbox()).rejects.toThrow(/allowProduction/)
    })

    it("starts when forced by allowProduction or IAMPORT_SANDBOX_ALLOW_PRODUCTION=1", async () => {
      await (await startSandbox({ allowProduction: true })).close()
      process.env[ALLOW_PRODUCTION_ENV] = "1"
      await (await startSandbox()).close()
    })
  })
})

/** The inline script of a page the sandbox serves. */
function inlineScript(html: string): string {
  const match = /<script>([\s\S]*)<\/script>/.exec(html)
  if (!match) {
    throw new Error("no inline script")
  }
  return match[1]
}

type Sent = { path: string; headers: Record<string, string>; status: number }

/** A fetch for the page's script that goes to the real sandbox and records, in call order, what was sent and answered. */
function recordingFetch(sent: Sent[]) {
  return async (pagePath: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) => {
    const entry: Sent = { path: pagePath, headers: init.headers ?? {}, status: 0 }
    sent.push(entry)
    const res = await fetch(`${sandbox.url}${pagePath}`, init)
    entry.status = res.status
    return res
  }
}

/** Waits until the page's script has made `count` calls and all were answered. */
async function answered(sent: Sent[], count: number): Promise<void> {
  for (let i = 0; i < 100 && !(sent.length >= count && sent.every((s) => s.status !== 0)); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe("the sandbox's own pages carry the token", () => {
  it("the control page embeds it and sends it on every call, which the control API accepts", async () => {
    await raw("POST", "/sandbox/pay", {
      headers: withToken(json),
      body: JSON.stringify({
        merchant_uid: "page_1",
        outcome: "fraud_review",
        ignore_prepare: true,
        amount: 500,
        currency: "KRW",
      }),
    })
    const html = await (await fetch(`${sandbox.url}/`)).text()
    expect(html).toContain(sandbox.controlToken)
    expect(html).toContain(CONTROL_TOKEN_HEADER)

    const sent: Sent[] = []
    let onClick: ((event: unknown) => void) | undefined
    const element = () => ({ innerHTML: "", textContent: "" })
    const document = {
      querySelector: element,
      getElementById: element,
      addEventListener: (_type: string, fn: (event: unknown) => void) => (onClick = fn),
    }
    vm.runInNewContext(inlineScript(html), {
      document,
      fetch: recordingFetch(sent),
      setInterval: () => 0,
      alert: () => undefined,
      Promise,
      JSON,
      Object,
      String,
      Date,
    })
    await answered(sent, 3)
    // The held payment's "Approve after fraud review" button.
    const impUid = [...sandbox.context.state.payments.keys()][0]
    const button = {
      getAttribute: () => "approve-payment",
      closest: (selector: string) => (selector === "[data-payment]" ? { getAttribute: () => impUid } : null),
    }
    onClick!({ target: { closest: () => button } })
    // The approval, then the refresh that follows it.
    await answered(sent, 7)

    expect(sent.map((s) => s.path)).toEqual([
      "/sandbox/tickets",
      "/sandbox/payments",
      "/sandbox/calls",
      `/sandbox/payments/${impUid}/approve`,
      "/sandbox/tickets",
      "/sandbox/payments",
      "/sandbox/calls",
    ])
    for (const call of sent) {
      expect(call.headers[CONTROL_TOKEN_HEADER]).toBe(sandbox.controlToken)
      expect(call.status).toBe(200)
    }
    expect(sent[3].headers["content-type"]).toBe("application/json")
    expect(sandbox.context.state.payments.get(impUid)?.status).toBe("paid")
  })

  it("the control page tells a payment held for fraud review from a decline, and offers approval only for the held one", async () => {
    const pay = (merchantUid: string, outcome: string) =>
      raw("POST", "/sandbox/pay", {
        headers: withToken(json),
        body: JSON.stringify({
          merchant_uid: merchantUid,
          outcome,
          ignore_prepare: true,
          amount: 500,
          currency: "KRW",
        }),
      })
    await pay("held_1", "fraud_review")
    await pay("declined_1", "failed")
    const html = await (await fetch(`${sandbox.url}/`)).text()
    expect(html).toContain("The state is kept in memory")
    const tables = new Map<string, { innerHTML: string; textContent: string }>()
    const element = (selector: string) =>
      tables.get(selector) ?? tables.set(selector, { innerHTML: "", textContent: "" }).get(selector)!
    const document = { querySelector: element, getElementById: element, addEventListener: () => undefined }
    const sent: Sent[] = []
    vm.runInNewContext(inlineScript(html), {
      document,
      fetch: recordingFetch(sent),
      setInterval: () => 0,
      alert: () => undefined,
      Promise,
      JSON,
      Object,
      String,
      Date,
    })
    await answered(sent, 3)
    for (let i = 0; i < 50 && !element("#payments tbody").innerHTML.includes("<tr"); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    const rows = element("#payments tbody")
      .innerHTML.split("</tr>")
      .filter((row) => row.includes("data-payment"))
    const held = rows.find((row) => row.includes("held_1"))!
    const declined = rows.find((row) => row.includes("declined_1"))!
    expect(held).toContain("held for fraud review")
    expect(held).toContain("approve-payment")
    expect(declined).toContain("declined")
    expect(declined).not.toContain("approve-payment")
  })

  it("the widget embeds it and pays through /sandbox/pay with it", async () => {
    sandbox.context.state.prepared.set("page_2", { merchant_uid: "page_2", amount: 13000, currency: "KRW" })
    const params = {
      merchant_uid: "page_2",
      amount: 13000,
      currency: "KRW",
      name: "Mug",
      buyer_email: "a@b.c",
      buyer_name: "Jiwoo Park",
    }
    const html = await (
      await fetch(`${sandbox.url}/widget?mode=callback&p=${encodeURIComponent(JSON.stringify(params))}`)
    ).text()
    expect(html).toContain(sandbox.controlToken)

    const sent: Sent[] = []
    const clicks: (() => void)[] = []
    const posted: unknown[] = []
    const payButton = {
      getAttribute: () => "paid",
      addEventListener: (_type: string, fn: () => void) => clicks.push(fn),
    }
    const document = { querySelectorAll: () => [payButton], getElementById: () => ({ textContent: "" }) }
    const parent = { postMessage: (message: unknown) => posted.push(message) }
    vm.runInNewContext(inlineScript(html), {
      document,
      parent,
      location: { href: "" },
      fetch: recordingFetch(sent),
      JSON,
      Object,
      String,
      URL,
    })
    clicks[0]()
    await answered(sent, 1)
    for (let i = 0; i < 50 && posted.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }

    expect(sent).toEqual([
      {
        path: "/sandbox/pay",
        headers: { "content-type": "application/json", [CONTROL_TOKEN_HEADER]: sandbox.controlToken },
        status: 200,
      },
    ])
    expect(posted).toEqual([
      expect.objectContaining({
        source: "iamport-sandbox",
        response: expect.objectContaining({ success: true, merchant_uid: "page_2" }),
      }),
    ])
    expect([...sandbox.context.state.payments.values()].map((p) => p.status)).toEqual(["paid"])
  })

  it("the control page may not be framed by another site", async () => {
    const res = await fetch(`${sandbox.url}/`)
    expect(res.headers.get("x-frame-options")).toBe("DENY")
  })
})

describe("iamport-sandbox (the CLI)", () => {
  const bin = path.join(__dirname, "..", "bin.ts")
  const run = (args: string[], env: Record<string, string> = {}, until?: RegExp) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", bin, ...args], {
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "pipe"],
      })
      let out = ""
      const read = (chunk: Buffer) => {
        out += chunk.toString("utf8")
        if (until?.test(out)) {
          child.kill("SIGTERM")
        }
      }
      child.stdout.on("data", read)
      child.stderr.on("data", read)
      child.once("exit", (code) => resolve({ code, out }))
    })

  it("exits 2 on a host that is not loopback without --unsafe-host, and where NODE_ENV=production", async () => {
    const host = await run(["--host", "0.0.0.0", "--port", "0"])
    expect(host.code).toBe(2)
    expect(host.out).toContain("--unsafe-host")
    const production = await run(["--port", "0"], { NODE_ENV: "production", [ALLOW_PRODUCTION_ENV]: "" })
    expect(production.code).toBe(2)
    expect(production.out).toContain("--allow-production")
  })

  it("prints the control token it was given, with a curl line that sends it", async () => {
    const token = "cli-fixed-token-0123456789"
    const started = await run(
      ["--port", "0", "--quiet", "--control-token", token],
      { NODE_ENV: "development" },
      /curl .*\n/
    )
    expect(started.out).toContain(`control token:     ${token}`)
    expect(started.out).toMatch(
      new RegExp(`curl -H '${CONTROL_TOKEN_HEADER}: ${token}' http://127\\.0\\.0\\.1:\\d+/sandbox/payments`)
    )
    expect(started.out).not.toMatch(/sandbox_imp_secret/)
  })
})
