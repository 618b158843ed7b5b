import vm from "node:vm"
import { CONTROL_TOKEN_HEADER } from ".."
import { json, raw, sandbox, useSandbox, withToken } from "./control-request"

useSandbox()

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
