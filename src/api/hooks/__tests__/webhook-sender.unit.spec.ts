import type { MedusaNextFunction, MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import type { ConfigModule, Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { IamportPaymentwallProviderService } from "../../../providers/iamport-paymentwall/service"
import { MAX_WEBHOOK_BODY_BYTES, WEBHOOK_SENDER_HEADER } from "../../../lib/paymentwall/webhook-body"
import { stampWebhookSender, webhookTrustFromConfig } from "../webhook-sender"

const IAMPORT = "52.78.100.19"
const providerOptions = (extra: Record<string, unknown> = {}) => ({
  impKey: "k",
  impSecret: "s",
  impCode: "imp12345678",
  channelKey: "ch",
  mode: "test",
  ...extra,
})

/** A container holding the config module and the payment module with one of this plugin's providers as "paymentwall". */
function scope(extra: Record<string, unknown>): MedusaContainer {
  const options = providerOptions(extra)
  const config = {
    modules: {
      [Modules.PAYMENT]: {
        resolve: "@medusajs/medusa/payment",
        options: {
          providers: [
            // Another plugin's provider with the same id: its options are not this provider's, so they are skipped.
            { resolve: "some-other-provider", id: "paymentwall", options: { webhookTrustedProxies: 5 } },
            { resolve: "medusa-payment-iamport-paymentwall/providers/iamport-paymentwall", id: "paymentwall", options },
          ],
        },
      },
    },
  }
  const logger = { warn: () => undefined, info: () => undefined } as unknown as Logger
  const provider = new IamportPaymentwallProviderService({ logger }, options as never)
  const payment = { __container__: { "pp_iamport-paymentwall_paymentwall": provider } }
  const registry: Record<string, unknown> = {
    [ContainerRegistrationKeys.CONFIG_MODULE]: config,
    [Modules.PAYMENT]: payment,
  }
  return {
    resolve: (key: string) => {
      if (!(key in registry)) {
        throw new Error(`not registered: ${key}`)
      }
      return registry[key]
    },
  } as unknown as MedusaContainer
}

type Sent = { status?: number; body?: unknown; nextCalled: boolean }

async function run(
  container: MedusaContainer,
  init: { provider?: string; socket?: string; headers?: Record<string, string>; rawBody?: Buffer }
): Promise<{ req: MedusaRequest; res: MedusaResponse; sent: Sent }> {
  const sent: Sent = { nextCalled: false }
  const req = {
    params: { provider: init.provider ?? "iamport-paymentwall_paymentwall" },
    headers: { ...(init.headers ?? {}) },
    socket: { remoteAddress: init.socket ?? "127.0.0.1" },
    rawBody: init.rawBody,
    scope: container,
  } as unknown as MedusaRequest
  const res = {
    status(code: number) {
      sent.status = code
      return this
    },
    json(body: unknown) {
      sent.body = body
      return this
    },
  } as unknown as MedusaResponse
  const next: MedusaNextFunction = () => {
    sent.nextCalled = true
  }
  await stampWebhookSender(req, res, next)
  return { req, res, sent }
}

describe("hook middleware: a notice Medusa could not queue is refused with a status i'mport resends", () => {
  it("turns the hook route's 400 (its event bus could not queue the notice) into a 503, and leaves other answers alone", async () => {
    const { res, sent } = await run(scope({}), {})
    res.status(400)
    expect(sent.status).toBe(503)
    res.status(200)
    expect(sent.status).toBe(200)
  })

  it("leaves another provider's hook route alone", async () => {
    const { res, sent } = await run(scope({}), { provider: "stripe_stripe" })
    res.status(400)
    expect(sent.status).toBe(400)
  })
})

describe("hook middleware: the sender address no client can write", () => {
  it("by default stamps the socket's address and drops a forged X-Forwarded-For and sender header", async () => {
    const { req, sent } = await run(scope({}), {
      socket: "203.0.113.9",
      headers: { "x-forwarded-for": IAMPORT, [WEBHOOK_SENDER_HEADER]: IAMPORT },
    })
    expect(sent.nextCalled).toBe(true)
    expect(req.headers[WEBHOOK_SENDER_HEADER]).toBe("203.0.113.9")
  })

  it("behind trusted proxies, takes the rightmost untrusted hop", async () => {
    const { req } = await run(scope({ webhookTrustedProxies: ["loopback"] }), {
      headers: { "x-forwarded-for": `${IAMPORT}, 198.51.100.7` },
    })
    expect(req.headers[WEBHOOK_SENDER_HEADER]).toBe("198.51.100.7")
    const genuine = await run(scope({ webhookTrustedProxies: 1 }), { headers: { "x-forwarded-for": IAMPORT } })
    expect(genuine.req.headers[WEBHOOK_SENDER_HEADER]).toBe(IAMPORT)
  })

  it("removes a forged sender header even when no address can be computed", async () => {
    const container = scope({})
    const req = {
      params: { provider: "iamport-paymentwall_paymentwall" },
      headers: { [WEBHOOK_SENDER_HEADER]: IAMPORT },
      socket: {},
      scope: container,
    } as unknown as MedusaRequest
    await stampWebhookSender(req, { status: () => undefined } as unknown as MedusaResponse, () => undefined)
    expect(req.headers[WEBHOOK_SENDER_HEADER]).toBeUndefined()
  })

  it("falls back to the socket's address for a provider key that is not registered", async () => {
    const { req } = await run(scope({ webhookTrustedProxies: 1 }), {
      provider: "iamport-paymentwall_other",
      socket: "203.0.113.9",
      headers: { "x-forwarded-for": IAMPORT },
    })
    expect(req.headers[WEBHOOK_SENDER_HEADER]).toBe("203.0.113.9")
  })

  it("leaves other providers' webhooks alone", async () => {
    const big = Buffer.alloc(MAX_WEBHOOK_BODY_BYTES + 1)
    const { req, sent } = await run(scope({}), {
      provider: "stripe_stripe",
      headers: { [WEBHOOK_SENDER_HEADER]: "kept" },
      rawBody: big,
    })
    expect(sent).toEqual({ nextCalled: true })
    expect(req.headers[WEBHOOK_SENDER_HEADER]).toBe("kept")
  })

  it("refuses a body over the cap with 413, by declared length or by what was read", async () => {
    const declared = await run(scope({}), { headers: { "content-length": String(MAX_WEBHOOK_BODY_BYTES + 1) } })
    expect(declared.sent.status).toBe(413)
    expect(declared.sent.nextCalled).toBe(false)
    expect(declared.sent.body).toMatchObject({
      type: "payload_too_large",
      message: expect.stringContaining("16384 bytes"),
    })

    const chunked = await run(scope({}), { rawBody: Buffer.alloc(MAX_WEBHOOK_BODY_BYTES + 1) })
    expect(chunked.sent.status).toBe(413)

    const atCap = await run(scope({}), { rawBody: Buffer.alloc(MAX_WEBHOOK_BODY_BYTES) })
    expect(atCap.sent).toMatchObject({ nextCalled: true })
  })
})

describe("webhookTrustFromConfig", () => {
  it("finds this provider's entry by id and ignores config it cannot read", () => {
    const config = {
      modules: {
        [Modules.PAYMENT]: {
          options: { providers: [{ id: "pw", options: providerOptions({ webhookTrustedProxies: "loopback" }) }] },
        },
      },
    }
    expect(webhookTrustFromConfig(config as unknown as ConfigModule, "pw")).toEqual(["loopback"])
    expect(webhookTrustFromConfig(config as unknown as ConfigModule, "nope")).toBeUndefined()
    expect(webhookTrustFromConfig({ modules: { [Modules.PAYMENT]: true } }, "pw")).toBeUndefined()
    expect(webhookTrustFromConfig(undefined, "pw")).toBeUndefined()
  })
})
