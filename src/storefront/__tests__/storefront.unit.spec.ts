import {
  type Iamport,
  loadIamport,
  paymentwallFailure,
  waitForCompletedCart,
  PaymentwallError,
  payWithPaymentwall,
  readPaymentwallRedirect,
  type RequestPayParams,
  type RequestPayResponse,
  requestPayParams,
} from ".."

const session = {
  imp_code: "imp12345678",
  channel_key: "channel-key-pw",
  pg: null,
  merchant_uid: "pw_payses_01TEST",
  amount: 13000,
  currency: "KRW",
  name: "Order of 2 items",
  buyer_email: "buyer@example.com",
  buyer_name: "Jiwoo Park",
}

/** A page with a script tag loader: loading the script defines `IMP` (or not), or fails. */
function fakeHost(imp: Iamport | undefined, opts: { fail?: boolean } = {}) {
  const scripts: string[] = []
  const host: { IMP?: Iamport; document: Document } = {
    document: {
      createElement: () => ({}) as HTMLScriptElement,
      head: {
        appendChild: (script: HTMLScriptElement) => {
          scripts.push(script.src)
          setTimeout(() => {
            if (opts.fail) {
              script.onerror?.(new Event("error"))
              return
            }
            host.IMP = imp
            script.onload?.(new Event("load"))
          })
          return script
        },
      },
    } as unknown as Document,
  }
  return { host, scripts }
}

function fakeIamport(answer: (params: RequestPayParams) => RequestPayResponse) {
  const calls: { init: string[]; params: RequestPayParams[] } = { init: [], params: [] }
  const imp: Iamport = {
    init: (code) => void calls.init.push(code),
    request_pay: (params, callback) => {
      calls.params.push(params)
      setTimeout(() => callback(answer(params)))
    },
  }
  return { imp, calls }
}

describe("requestPayParams", () => {
  it("maps the session's data onto request_pay, channel key first, with the mobile return URL", () => {
    expect(requestPayParams(session, { redirectUrl: "https://shop.example/checkout/return" })).toEqual({
      channelKey: "channel-key-pw",
      merchant_uid: "pw_payses_01TEST",
      amount: 13000,
      currency: "KRW",
      name: "Order of 2 items",
      buyer_email: "buyer@example.com",
      buyer_name: "Jiwoo Park",
      m_redirect_url: "https://shop.example/checkout/return",
    })
  })

  it("falls back to the legacy pg and takes a guest's e-mail, name and phone from the options", () => {
    const params = requestPayParams(
      { ...session, channel_key: null, pg: "paymentwall", buyer_email: null, buyer_name: null },
      { buyer: { email: "guest@example.com", name: "Min Kim", tel: "010-1234-5678" } }
    )
    expect(params).toMatchObject({
      pg: "paymentwall",
      buyer_email: "guest@example.com",
      buyer_name: "Min Kim",
      buyer_tel: "010-1234-5678",
    })
    expect(params).not.toHaveProperty("channelKey")
  })

  it("refuses, before opening anything, a session Paymentwall would reject", () => {
    const noEmail = () => requestPayParams({ ...session, buyer_email: "" })
    expect(noEmail).toThrow(PaymentwallError)
    expect(noEmail).toThrow("no buyer e-mail")
    expect(() => requestPayParams({ ...session, buyer_name: "Jiwoo" })).toThrow('"First Last"')
    expect(() => requestPayParams({ ...session, channel_key: null, pg: null })).toThrow("channel_key or pg")
  })
})

describe("loadIamport", () => {
  it("loads the script once per URL, however many payments ask for it at once", async () => {
    const { imp } = fakeIamport(() => ({}))
    const { host, scripts } = fakeHost(imp)
    const [a, b] = await Promise.all([
      loadIamport("http://127.0.0.1:8891/v1/iamport.js", host),
      loadIamport("http://127.0.0.1:8891/v1/iamport.js", host),
    ])
    expect(a).toBe(imp)
    expect(b).toBe(imp)
    expect(scripts).toEqual(["http://127.0.0.1:8891/v1/iamport.js"])
  })

  it("rejects with a script error naming the URL when it cannot be loaded", async () => {
    const { host } = fakeHost(undefined, { fail: true })
    const error = await loadIamport("http://127.0.0.1:1/missing.js", host).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PaymentwallError)
    expect(error).toMatchObject({ kind: "script", message: expect.stringContaining("http://127.0.0.1:1/missing.js") })
  })
})

describe("payWithPaymentwall", () => {
  it("initialises with the merchant code and resolves with the widget's result", async () => {
    const { imp, calls } = fakeIamport((p) => ({ success: true, imp_uid: "imp_1", merchant_uid: p.merchant_uid }))
    const { host } = fakeHost(imp)
    await expect(payWithPaymentwall(session, { scriptUrl: "http://sandbox/v1/iamport.js" }, host)).resolves.toEqual({
      imp_uid: "imp_1",
      merchant_uid: "pw_payses_01TEST",
    })
    expect(calls.init).toEqual(["imp12345678"])
    expect(calls.params[0]).toMatchObject({ channelKey: "channel-key-pw", amount: 13000 })
  })

  it("rejects with Paymentwall's reason and the imp_uid of a declined payment", async () => {
    const { imp } = fakeIamport(() => ({
      success: false,
      imp_uid: "imp_2",
      error_code: "F400",
      error_msg: "Card declined",
    }))
    const error = await payWithPaymentwall(session, { scriptUrl: "http://sandbox/x.js" }, fakeHost(imp).host).catch(
      (e: unknown) => e
    )
    expect(error).toMatchObject({ kind: "payment_failed", code: "F400", impUid: "imp_2", message: "Card declined" })
  })

  it("reads a failure from the new SDK, which gives error_code and no success flag", async () => {
    const { imp } = fakeIamport(() => ({
      imp_uid: null,
      merchant_uid: session.merchant_uid,
      error_code: "USER_CANCEL",
      error_msg: "closed",
    }))
    const error = await payWithPaymentwall(session, { scriptUrl: "http://sandbox/y.js" }, fakeHost(imp).host).catch(
      (e: unknown) => e
    )
    expect(error).toMatchObject({ kind: "payment_failed", code: "USER_CANCEL" })
  })
})

describe("readPaymentwallRedirect", () => {
  it("reads a successful mobile return", () => {
    expect(
      readPaymentwallRedirect("https://shop.example/return?imp_uid=imp_9&merchant_uid=pw_x&imp_success=true")
    ).toEqual({
      imp_uid: "imp_9",
      merchant_uid: "pw_x",
    })
  })

  it("turns a failed return into a PaymentwallError with its message", () => {
    const result = readPaymentwallRedirect(
      "/return?imp_uid=imp_9&merchant_uid=pw_x&imp_success=false&error_msg=Declined%20by%20bank"
    )
    expect(result).toBeInstanceOf(PaymentwallError)
    expect(result).toMatchObject({ kind: "payment_failed", message: "Declined by bank", impUid: "imp_9" })
  })

  it("reads error_code without imp_success, and says null for a URL that carries no result", () => {
    expect(readPaymentwallRedirect("/return?merchant_uid=pw_x&error_code=F1&error_msg=no")).toMatchObject({
      kind: "payment_failed",
      code: "F1",
    })
    expect(readPaymentwallRedirect("https://shop.example/checkout")).toBeNull()
  })
})

describe("paymentwallFailure", () => {
  const failed = (message: string, impUid: string | null = "imp_3") =>
    new PaymentwallError("payment_failed", message, { code: "F_PG", impUid })

  it("tells a payment held for fraud review (i'mport's PG-failure text) from a card decline", () => {
    expect(paymentwallFailure(failed("(PG사 결제 장애) Internal error"))).toBe("review")
    expect(paymentwallFailure(failed("Card declined"))).toBe("declined")
  })

  it("reads the same from a mobile return", () => {
    const back = readPaymentwallRedirect(
      "/r?imp_uid=imp_4&merchant_uid=pw_x&imp_success=false&error_msg=%28PG%EC%82%AC%20%EA%B2%B0%EC%A0%9C%20%EC%9E%A5%EC%95%A0%29%20Internal%20error"
    )
    expect(back).toBeInstanceOf(PaymentwallError)
    expect(paymentwallFailure(back as PaymentwallError)).toBe("review")
  })

  it("says not_paid when no payment was made, whatever the text, and takes a store's own review text", () => {
    expect(paymentwallFailure(failed("Internal error", null))).toBe("not_paid")
    expect(paymentwallFailure(new PaymentwallError("invalid_session", "Internal error"))).toBe("not_paid")
    expect(paymentwallFailure(failed("Pending risk check"), /risk check/)).toBe("review")
  })
})

describe("waitForCompletedCart", () => {
  it("checks until the cart is completed, and tries a failed check again", async () => {
    const answers = [async () => false, async () => Promise.reject(new Error("offline")), async () => true]
    let checks = 0
    await expect(waitForCompletedCart(() => answers[checks++](), { intervalMs: 1 })).resolves.toBe(true)
    expect(checks).toBe(3)
  })

  it("resolves false when stopped or out of time, and checks no more after", async () => {
    const controller = new AbortController()
    let checks = 0
    const watching = waitForCompletedCart(async () => (checks++, false), { intervalMs: 5, signal: controller.signal })
    await new Promise((resolve) => setTimeout(resolve, 20))
    controller.abort()
    await expect(watching).resolves.toBe(false)
    const seen = checks
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(checks).toBe(seen)
    await expect(waitForCompletedCart(async () => false, { intervalMs: 5, timeoutMs: 15 })).resolves.toBe(false)
  })
})
