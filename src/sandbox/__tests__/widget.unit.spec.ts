import vm from "node:vm"
import { startSandbox, type RunningSandbox } from ".."

let sandbox: RunningSandbox
beforeAll(async () => {
  sandbox = await startSandbox()
})
afterAll(() => sandbox.close())

type Listener = (event: { origin: string; data: unknown }) => void

/** A page that runs the stand-in script: records what it appends and lets the test post messages to it. */
async function pageWithScript(userAgent = "Mozilla/5.0 (X11; Linux x86_64)") {
  const script = await (await fetch(`${sandbox.url}/v1/iamport.js`)).text()
  const appended: { tag: string; src?: string; children: { src?: string }[] }[] = []
  const listeners: Listener[] = []
  const element = (tag: string) => ({
    tag,
    style: {},
    children: [] as { src?: string }[],
    setAttribute: () => undefined,
    appendChild(child: { src?: string }) {
      this.children.push(child)
    },
    parentNode: null as unknown,
  })
  const window: Record<string, unknown> = {
    location: { href: "https://shop.example/checkout" },
    addEventListener: (_: string, fn: Listener) => listeners.push(fn),
    removeEventListener: (_: string, fn: Listener) => listeners.splice(listeners.indexOf(fn), 1),
  }
  const document = {
    createElement: element,
    body: { appendChild: (node: (typeof appended)[number]) => appended.push(node) },
  }
  vm.runInNewContext(script, { window, document, navigator: { userAgent }, encodeURIComponent, JSON, Object })
  const post = (origin: string, data: unknown) => [...listeners].forEach((fn) => fn({ origin, data }))
  return {
    IMP: window.IMP as { init(c: string): void; request_pay(p: object, cb: (r: unknown) => void): void },
    appended,
    post,
    window,
    listeners,
  }
}

const params = {
  channelKey: "ch",
  merchant_uid: "pw_1",
  amount: 13000,
  currency: "KRW",
  name: "Mug",
  buyer_email: "a@b.c",
  buyer_name: "Jiwoo Park",
}

describe("the sandbox's iamport.js stand-in", () => {
  it("opens the widget in an overlay and calls back with what the widget page posts from the sandbox's origin", async () => {
    const page = await pageWithScript()
    const answers: unknown[] = []
    page.IMP.init("imp12345678")
    page.IMP.request_pay(params, (rsp) => answers.push(rsp))
    const src = page.appended[0].children[0].src!
    expect(src.startsWith(`${sandbox.url}/widget?mode=callback&p=`)).toBe(true)
    expect(JSON.parse(decodeURIComponent(src.split("p=")[1]))).toMatchObject({ ...params, imp_code: "imp12345678" })

    page.post("https://evil.example", { source: "iamport-sandbox", response: { success: true } })
    expect(answers).toEqual([])
    page.post(sandbox.url, { source: "iamport-sandbox", response: { success: true, imp_uid: "imp_1" } })
    expect(answers).toEqual([{ success: true, imp_uid: "imp_1" }])
    expect(page.listeners).toHaveLength(0)
  })

  it("leaves for the widget on a mobile browser when the storefront gave m_redirect_url", async () => {
    const page = await pageWithScript("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148")
    page.IMP.init("imp12345678")
    page.IMP.request_pay({ ...params, m_redirect_url: "https://shop.example/return" }, () => undefined)
    expect((page.window.location as { href: string }).href).toContain(`${sandbox.url}/widget?mode=redirect&p=`)
    expect(page.appended).toHaveLength(0)
  })

  it("answers an error without opening anything when IMP.init was not called", async () => {
    const page = await pageWithScript()
    const answers: unknown[] = []
    page.IMP.request_pay(params, (rsp) => answers.push(rsp))
    expect(answers).toEqual([expect.objectContaining({ success: false, error_code: "NOT_INITIALIZED" })])
  })
})

describe("the sandbox's widget page", () => {
  it("shows the order and escapes what the storefront sent, in the page and in its script", async () => {
    const p = encodeURIComponent(
      JSON.stringify({
        ...params,
        name: "<img src=x onerror=alert(1)>",
        buyer_name: "</script><script>alert(1)</script>",
      })
    )
    const res = await fetch(`${sandbox.url}/widget?mode=callback&p=${p}`)
    expect(res.headers.get("content-type")).toContain("text/html")
    const html = await res.text()
    expect(html).toContain("13000 KRW")
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;")
    expect(html).not.toContain("<img src=x")
    expect(html).not.toContain("</script><script>alert(1)")
    for (const id of ["pw-pay", "pw-decline", "pw-fraud"]) {
      expect(html).toContain(`id="${id}"`)
    }
  })
})
