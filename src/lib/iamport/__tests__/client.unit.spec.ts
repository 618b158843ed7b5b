import { inspect } from "node:util"
import { CONTROL_TOKEN_HEADER, startSandbox, type RunningSandbox } from "../../../sandbox"
import { IamportClient, type IamportClientOptions } from "../client"
import {
  IamportAuthenticationError,
  IamportNotFoundError,
  IamportRefusedError,
  IamportTimeoutError,
  IamportTransportError,
  IamportUnexpectedAnswerError,
} from "../errors"
import type { Fault } from "../../../sandbox"

const KEY = "client_test_key"
const SECRET = "client_test_secret_do_not_print"

let sandbox: RunningSandbox

beforeAll(async () => {
  sandbox = await startSandbox({ impKey: KEY, impSecret: SECRET })
})
afterAll(() => sandbox.close())
beforeEach(() => sandbox.context.reset())

function client(extra: Partial<IamportClientOptions> = {}): IamportClient {
  return new IamportClient({
    impKey: KEY,
    impSecret: SECRET,
    baseUrl: sandbox.url,
    includeSandbox: true,
    retryBaseDelayMs: 5,
    ...extra,
  })
}

const calls = (route: string): number => sandbox.context.stats.get(route) ?? 0

/** Something other than i'mport answers the next `times` calls to `route` (a wrong apiBaseUrl, a proxy). */
function notIamport(route: string, extra: Partial<Fault> = {}): void {
  sandbox.context.faults.push({ route, kind: "non_envelope", times: 1, delayMs: 0, ...extra })
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(Error)
  return error as Error
}

async function paidPayment(c: IamportClient, merchantUid: string, amount = 10000, currency = "KRW"): Promise<string> {
  await c.preparePayment({ merchant_uid: merchantUid, amount, currency })
  const res = await fetch(`${sandbox.url}/sandbox/pay`, {
    method: "POST",
    headers: { "content-type": "application/json", [CONTROL_TOKEN_HEADER]: sandbox.controlToken },
    body: JSON.stringify({ merchant_uid: merchantUid, outcome: "paid" }),
  })
  return ((await res.json()) as { imp_uid: string }).imp_uid
}

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

describe("i'mport client, when something other than i'mport answers", () => {
  it("reads a proxy's HTML 404 page as an unexpected answer, not as an unknown payment", async () => {
    const c = client()
    const impUid = await paidPayment(c, "html_404_1")
    notIamport("GET /payments/{imp_uid}")
    const error = await failureOf(c.getPayment(impUid))
    expect(error).toBeInstanceOf(IamportUnexpectedAnswerError)
    expect(error).toBeInstanceOf(IamportTransportError)
    expect(error).not.toBeInstanceOf(IamportNotFoundError)
    expect(error).toMatchObject({ kind: "unexpected_answer", httpStatus: 404, endpoint: "GET /payments/{imp_uid}" })
  })

  it("says which endpoint and status it was and to check apiBaseUrl, and nothing of the request", async () => {
    const c = client()
    await c.getPreparedPayment("warm")
    notIamport("GET /payments/find/{merchant_uid}")
    const error = await failureOf(c.findPayment("pw_secret_merchant_uid", "paid"))
    expect(error.message).toBe(
      "GET /payments/find/{merchant_uid}/paid answered HTTP 404 with an HTML page: not i'mport's answer. Check apiBaseUrl and any proxy between the store and i'mport."
    )
    const text = `${String(error)} ${JSON.stringify(error)} ${error.stack}`
    for (const hidden of [
      SECRET,
      KEY,
      sandbox.context.token!.value,
      "pw_secret_merchant_uid",
      "include_sandbox",
      "sorting",
      "nginx",
    ]) {
      expect(text).not.toContain(hidden)
    }
  })

  it("does not turn a 404 that is not i'mport's into 'no payment' for findPayment", async () => {
    notIamport("GET /payments/find/{merchant_uid}")
    await expect(client().findPayment("nobody")).rejects.toBeInstanceOf(IamportUnexpectedAnswerError)
  })

  it("does not leave payments out of a multi-get on a 404 that is not i'mport's", async () => {
    notIamport("GET /payments?imp_uid[]")
    await expect(client().getPayments(["imp_000000000001"])).rejects.toBeInstanceOf(IamportUnexpectedAnswerError)
  })

  it("reads an empty 404 as an unexpected answer", async () => {
    notIamport("GET /payments/{imp_uid}", { body: "empty" })
    const error = await failureOf(client().getPayment("imp_1"))
    expect(error).toBeInstanceOf(IamportUnexpectedAnswerError)
    expect(error.message).toContain("with an empty body")
  })

  it("reads JSON without i'mport's envelope as an unexpected answer", async () => {
    notIamport("GET /payments/{imp_uid}", { body: "json" })
    const error = await failureOf(client().getPayment("imp_1"))
    expect(error).toBeInstanceOf(IamportUnexpectedAnswerError)
    expect(error.message).toContain("JSON without i'mport's {code, message, response} envelope")
  })

  it("reads an HTTP 200 page that is not i'mport's as an unexpected answer", async () => {
    notIamport("GET /payments/{imp_uid}", { status: 200 })
    await expect(client().getPayment("imp_1")).rejects.toMatchObject({ kind: "unexpected_answer", httpStatus: 200 })
  })

  it("does not retry a read after a 404 that is not i'mport's: it would come back the same", async () => {
    const c = client()
    notIamport("GET /payments/{imp_uid}", { times: 5 })
    await expect(c.getPayment("imp_1")).rejects.toBeInstanceOf(IamportUnexpectedAnswerError)
    expect(calls("GET /payments/{imp_uid}")).toBe(1)
  })

  it("retries a read after a gateway's 502 page, as after i'mport's own 5xx", async () => {
    const c = client()
    const impUid = await paidPayment(c, "gateway_502_1")
    notIamport("GET /payments/{imp_uid}", { status: 502 })
    await expect(c.getPayment(impUid)).resolves.toMatchObject({ imp_uid: impUid })
    expect(calls("GET /payments/{imp_uid}")).toBe(2)
  })

  it("does not renew the token on a 401 that is not i'mport's", async () => {
    const c = client()
    notIamport("GET /payments/{imp_uid}", { status: 401 })
    await expect(c.getPayment("imp_1")).rejects.toBeInstanceOf(IamportUnexpectedAnswerError)
    expect(calls("POST /users/getToken")).toBe(1)
  })

  it("reports a getToken answer that is not i'mport's as an unexpected answer, not as refused credentials", async () => {
    notIamport("POST /users/getToken")
    const error = await failureOf(client().getPayment("imp_1"))
    expect(error).toBeInstanceOf(IamportUnexpectedAnswerError)
    expect(error.message).toContain("POST /users/getToken answered HTTP 404")
  })
})
