import { inspect } from "node:util"
import { CONTROL_TOKEN_HEADER, startSandbox, type RunningSandbox } from "../../../sandbox"
import {
  IamportAuthenticationError,
  IamportNotFoundError,
  IamportRefusedError,
  IamportTimeoutError,
  IamportTransportError,
} from "../errors"
import { IamportClient } from "../client"
import { clientHarness, KEY, SECRET } from "./client-harness"

let sandbox: RunningSandbox

beforeAll(async () => {
  sandbox = await startSandbox({ impKey: KEY, impSecret: SECRET })
})
afterAll(() => sandbox.close())
beforeEach(() => sandbox.context.reset())

const { client, calls, paidPayment } = clientHarness(() => sandbox)

describe("i'mport client", () => {
  it("asks for a token once and reuses it across many calls while it lives", async () => {
    const c = client()
    for (let i = 0; i < 50; i++) {
      await c.getPreparedPayment(`none_${i}`)
    }
    expect(calls("POST /users/getToken")).toBe(1)
    expect(calls("GET /payments/prepare/{merchant_uid}")).toBe(50)
  })

  it("renews the token once for any number of concurrent callers", async () => {
    const c = client()
    await Promise.all(Array.from({ length: 25 }, (_, i) => c.getPreparedPayment(`none_${i}`)))
    expect(calls("POST /users/getToken")).toBe(1)
  })

  it("renews a token that is within 60 s of i'mport's expired_at, judged by i'mport's clock", async () => {
    await sandbox.close()
    sandbox = await startSandbox({ impKey: KEY, impSecret: SECRET, tokenLifetimeSec: 59 })
    const c = client()
    await c.getPreparedPayment("a")
    await c.getPreparedPayment("b")
    expect(calls("POST /users/getToken")).toBe(2)
    await sandbox.close()
    sandbox = await startSandbox({ impKey: KEY, impSecret: SECRET })
  })

  it("gets a fresh token and retries once when i'mport answers 401", async () => {
    const c = client()
    await c.getPreparedPayment("a")
    sandbox.context.token = null // i'mport forgot the token
    await expect(c.getPreparedPayment("b")).resolves.toBeNull()
    expect(calls("POST /users/getToken")).toBe(2)
  })

  it("reports refused credentials as an authentication error that never carries the secret", async () => {
    const c = client({ impSecret: "wrong_secret_value" })
    const error = await c.getPayment("imp_1").catch((e: unknown) => e)
    expect(error).toBeInstanceOf(IamportAuthenticationError)
    const text = `${String(error)} ${JSON.stringify(error)} ${(error as Error).stack}`
    expect(text).not.toContain("wrong_secret_value")
    expect(text).not.toContain(KEY)
  })

  it("never shows the key or secret when the client itself is printed", () => {
    const c = client()
    expect(JSON.stringify(c)).not.toContain(SECRET)
    expect(inspect(c, { depth: 5 })).not.toContain(SECRET)
  })

  it("treats HTTP 200 with code != 0 as a refusal carrying i'mport's message", async () => {
    const c = client()
    await c.preparePayment({ merchant_uid: "dup_1", amount: 1000, currency: "KRW" })
    const error = await c
      .preparePayment({ merchant_uid: "dup_1", amount: 1000, currency: "KRW" })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(IamportRefusedError)
    expect((error as IamportRefusedError).code).toBe(1)
    expect((error as IamportRefusedError).httpStatus).toBe(200)
    expect((error as Error).message).toBe("이미 등록된 merchant_uid입니다.")
  })

  it("reports an unknown payment as not found", async () => {
    await expect(client().getPayment("imp_000000000000")).rejects.toBeInstanceOf(IamportNotFoundError)
    await expect(client().findPayment("nobody")).resolves.toBeNull()
  })

  it("retries a read after a 5xx and succeeds", async () => {
    const c = client()
    const impUid = await paidPayment(c, "retry_read_1")
    sandbox.context.faults.push({ route: "GET /payments/{imp_uid}", kind: "5xx", times: 2, delayMs: 0 })
    await expect(c.getPayment(impUid)).resolves.toMatchObject({ imp_uid: impUid, status: "paid" })
    expect(calls("GET /payments/{imp_uid}")).toBe(3)
  })

  it("gives up on a read after its bounded retries", async () => {
    const c = client({ readRetries: 1 })
    sandbox.context.faults.push({ route: "GET /payments/{imp_uid}", kind: "5xx", times: 5, delayMs: 0 })
    await expect(c.getPayment("imp_1")).rejects.toBeInstanceOf(IamportTransportError)
    expect(calls("GET /payments/{imp_uid}")).toBe(2)
  })

  it("never re-sends a cancel after a 5xx: the caller must re-read first", async () => {
    const c = client()
    const impUid = await paidPayment(c, "no_resend_1")
    sandbox.context.faults.push({ route: "POST /payments/cancel", kind: "5xx", times: 1, delayMs: 0 })
    await expect(c.cancelPayment({ imp_uid: impUid, amount: 1000, checksum: 10000 })).rejects.toBeInstanceOf(
      IamportTransportError
    )
    expect(calls("POST /payments/cancel")).toBe(1)
    expect(sandbox.context.state.tickets.size).toBe(0)
  })

  it("times out a slow call with a timeout error", async () => {
    const c = client({ timeoutMs: 150, readRetries: 0 })
    await c.getPreparedPayment("warm")
    sandbox.context.faults.push({ route: "GET /payments/{imp_uid}", kind: "slow", times: 1, delayMs: 600 })
    await expect(c.getPayment("imp_1")).rejects.toBeInstanceOf(IamportTimeoutError)
  })

  it("reports a connection failure as a transport error without the request body", async () => {
    const c = new IamportClient({ impKey: KEY, impSecret: SECRET, baseUrl: "http://127.0.0.1:1", readRetries: 0 })
    const error = await c.getPayment("imp_1").catch((e: unknown) => e)
    expect(error).toBeInstanceOf(IamportTransportError)
    expect(JSON.stringify(error)).not.toContain(SECRET)
    expect((error as Error).message).toContain("POST /users/getToken")
  })

  it("asks for test-channel payments with include_sandbox, and cannot see them without it", async () => {
    const c = client()
    const impUid = await paidPayment(c, "sandbox_flag_1")
    await expect(c.getPayment(impUid)).resolves.toMatchObject({ sandbox: true })
    await expect(client({ includeSandbox: false }).getPayment(impUid)).rejects.toBeInstanceOf(IamportNotFoundError)
  })

  it("fetches many payments 100 per call and leaves unknown ids out", async () => {
    const c = client()
    const ids: string[] = []
    for (let i = 0; i < 3; i++) {
      ids.push(await paidPayment(c, `multi_${i}`))
    }
    const many = [...ids, ...Array.from({ length: 150 }, (_, i) => `imp_${String(i).padStart(12, "9")}`)]
    const found = await c.getPayments(many)
    expect(found.map((p) => p.imp_uid).sort()).toEqual([...ids].sort())
    expect(calls("GET /payments?imp_uid[]")).toBe(2)
  })

  it("finds the paid attempt of a merchant_uid among failed ones", async () => {
    const c = client()
    await c.preparePayment({ merchant_uid: "attempts_1", amount: 500, currency: "KRW" })
    for (const outcome of ["failed", "paid"]) {
      await fetch(`${sandbox.url}/sandbox/pay`, {
        method: "POST",
        headers: { "content-type": "application/json", [CONTROL_TOKEN_HEADER]: sandbox.controlToken },
        body: JSON.stringify({ merchant_uid: "attempts_1", outcome }),
      })
    }
    await expect(c.findPayment("attempts_1", "paid")).resolves.toMatchObject({ status: "paid" })
    await expect(c.findPayment("attempts_1", "failed")).resolves.toMatchObject({ status: "failed" })
  })

  it("lists every attempt of a merchant_uid in one call, newest first, and none for a merchant_uid i'mport does not know", async () => {
    const c = client()
    await c.preparePayment({ merchant_uid: "attempts_2", amount: 500, currency: "KRW" })
    for (const outcome of ["failed", "paid"]) {
      await fetch(`${sandbox.url}/sandbox/pay`, {
        method: "POST",
        headers: { "content-type": "application/json", [CONTROL_TOKEN_HEADER]: sandbox.controlToken },
        body: JSON.stringify({ merchant_uid: "attempts_2", outcome }),
      })
    }
    expect((await c.findAllPayments("attempts_2")).map((p) => p.status)).toEqual(["paid", "failed"])
    expect(calls("GET /payments/findAll/{merchant_uid}")).toBe(1)
    await expect(c.findAllPayments("attempts_none")).resolves.toEqual([])
  })
})
