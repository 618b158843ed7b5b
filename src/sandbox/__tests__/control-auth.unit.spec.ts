import type { IncomingMessage } from "node:http"
import { CONTROL_TOKEN_HEADER, startSandbox } from ".."
import { isLoopbackHostHeader, isLoopbackName, pageRefusal } from "../control-auth"
import { json, raw, sandbox, useSandbox, withToken } from "./control-request"

useSandbox()

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
