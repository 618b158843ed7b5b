/** The i'mport client when something other than i'mport answers (a wrong apiBaseUrl, a proxy, a gateway). */
import { startSandbox, type RunningSandbox } from "../../../sandbox"
import { IamportNotFoundError, IamportTransportError, IamportUnexpectedAnswerError } from "../errors"
import { clientHarness, failureOf, KEY, SECRET } from "./client-harness"

let sandbox: RunningSandbox

beforeAll(async () => {
  sandbox = await startSandbox({ impKey: KEY, impSecret: SECRET })
})
afterAll(() => sandbox.close())
beforeEach(() => sandbox.context.reset())

const { client, calls, notIamport, paidPayment } = clientHarness(() => sandbox)

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
