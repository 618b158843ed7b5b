import type { MedusaNextFunction, MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import type { ConfigModule, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { paymentwallProvider } from "../../providers/iamport-paymentwall/registered-provider"
import { resolveOptions } from "../../lib/paymentwall/options"
import { PROVIDER_IDENTIFIER } from "../../lib/paymentwall/provider-id"
import {
  MAX_WEBHOOK_BODY_BYTES,
  WEBHOOK_SENDER_HEADER,
  type WebhookTrust,
  webhookSenderAddress,
  webhookTrustFunction,
} from "../../lib/paymentwall/webhook-body"

/** The `:provider` of Medusa's hook route for this plugin's providers: `iamport-paymentwall_{id}`. */
const PROVIDER_PARAM_PREFIX = `${PROVIDER_IDENTIFIER}_`

type TrustFunction = (address: string, hop: number) => boolean

/** The config module does not change while the app runs; compile each provider's trust once. */
const trustCache = new WeakMap<object, Map<string, TrustFunction>>()

/**
 * Runs before Medusa's `POST /hooks/payment/:provider` for this plugin's providers (after the body parser, before
 * the route handler, which copies req.headers into the `payment.webhook_received` event):
 * - refuses a body over MAX_WEBHOOK_BODY_BYTES with 413;
 * - replaces the `x-iamport-pw-sender` header with the sender address computed like Express's req.ip under the
 *   provider's `webhookTrustedProxies`. Medusa's own `trust proxy` is 1 (express-loader), which takes a
 *   client-written X-Forwarded-For entry as req.ip when no proxy stands in front, so req.ip is not used;
 * - makes the route's 400 a 503 (see retryableRefusal).
 */
export async function stampWebhookSender(
  req: MedusaRequest,
  res: MedusaResponse,
  next: MedusaNextFunction
): Promise<void> {
  const provider = req.params.provider
  if (typeof provider !== "string" || !provider.startsWith(PROVIDER_PARAM_PREFIX)) {
    return next()
  }
  if (bodyBytes(req) > MAX_WEBHOOK_BODY_BYTES) {
    res.status(413).json({
      type: "payload_too_large",
      message: `Webhook body over ${MAX_WEBHOOK_BODY_BYTES} bytes refused: i'mport's webhooks are a few hundred bytes.`,
    })
    return
  }
  // Whatever a client sent under this name goes, even when no address can be computed.
  delete req.headers[WEBHOOK_SENDER_HEADER]
  const sender = webhookSenderAddress(req, webhookTrustFor(req.scope, provider))
  if (sender) {
    req.headers[WEBHOOK_SENDER_HEADER] = sender
  }
  retryableRefusal(res)
  next()
}

/**
 * Medusa's hook route answers 400 ("Webhook Error: …") when it cannot queue the notice, which is when its event bus
 * is down (Redis unreachable, seen in npm run test:scale's Redis restart). i'mport resends a notice only after a
 * network error or a 5xx, so a 400 would lose it: for this plugin's notices the route's 400 becomes 503. Nothing
 * else in that route answers 400.
 */
export function retryableRefusal(res: Pick<MedusaResponse, "status">): void {
  const status = res.status.bind(res)
  res.status = (code: number) => status(code === 400 ? 503 : code)
}

/** The larger of the declared length and what the body parser read (a chunked body declares none). */
function bodyBytes(req: MedusaRequest): number {
  const declared = req.headers["content-length"]
  const length = typeof declared === "string" && /^\d+$/.test(declared) ? Number(declared) : 0
  const raw: unknown = req.rawBody
  const read = Buffer.isBuffer(raw) ? raw.length : typeof raw === "string" ? Buffer.byteLength(raw) : 0
  return Math.max(length, read)
}

/**
 * The provider's trust setting, from its options in the payment module's config. An unknown provider, or one that
 * cannot be found there, trusts no proxy: the sender is then the socket's address, the safe reading.
 */
export function webhookTrustFor(container: MedusaContainer, provider: string): TrustFunction {
  let config: ConfigModule | undefined
  try {
    config = container.resolve<ConfigModule>(ContainerRegistrationKeys.CONFIG_MODULE)
  } catch {
    config = undefined
  }
  const cache = config ? (trustCache.get(config) ?? new Map<string, TrustFunction>()) : undefined
  const cached = cache?.get(provider)
  if (cached) {
    return cached
  }
  let trust: WebhookTrust
  try {
    // Confirms the key names one of this plugin's providers before its options are read from the config.
    paymentwallProvider(container, `pp_${provider}`)
    trust = webhookTrustFromConfig(config, provider.slice(PROVIDER_PARAM_PREFIX.length)) ?? 0
  } catch {
    trust = 0
  }
  const compiled = webhookTrustFunction(trust)
  if (config && cache) {
    cache.set(provider, compiled)
    trustCache.set(config, cache)
  }
  return compiled
}

/**
 * `webhookTrustedProxies` of the payment module's provider registered with this id. Another plugin's provider may
 * share the id (its key differs by identifier), so only an entry whose options are this provider's counts.
 */
export function webhookTrustFromConfig(
  config: Pick<ConfigModule, "modules"> | undefined,
  id: string
): WebhookTrust | undefined {
  const payment = config?.modules?.[Modules.PAYMENT]
  const providers: unknown = typeof payment === "object" && payment !== null ? payment.options?.providers : undefined
  if (!Array.isArray(providers)) {
    return undefined
  }
  for (const entry of providers as unknown[]) {
    if (typeof entry !== "object" || entry === null || (entry as { id?: unknown }).id !== id) {
      continue
    }
    try {
      return resolveOptions((entry as { options?: unknown }).options).webhookTrustedProxies
    } catch {
      continue
    }
  }
  return undefined
}
