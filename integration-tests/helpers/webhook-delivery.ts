import path from "node:path"
import type { AxiosInstance } from "axios"
import type { MedusaContainer } from "@medusajs/framework/types"
import type { RunningSandbox } from "../../src/sandbox"
import { paidOrder, type Store } from "./store"
import { PLUGIN_ROOT } from "./test-store-config"

/** The provider part of the hook route, `/hooks/payment/:provider`, as Medusa puts it in the event. */
export const WEBHOOK_PROVIDER_KEY = "iamport-paymentwall_paymentwall"

type Subscriber = (args: { event: { name: string; data: unknown }; container: MedusaContainer }) => Promise<void>

/**
 * A module of the built plugin (`.medusa/server/src/...`), the copy the app loaded: classes compared with
 * `instanceof` and workflows registered by id are the app's own, not a second copy compiled from `src/`.
 */
export function builtPluginModule<T = Record<string, any>>(relativePath: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the copy the app loaded, by a path known at run time
  return require(path.join(PLUGIN_ROOT, ".medusa/server/src", relativePath)) as T
}

/** Medusa's own `payment.webhook_received` subscriber (processPaymentWorkflow: captures and completes carts). */
export function coreWebhookSubscriber(): Subscriber {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a file of Medusa's build that no export names
  return require(path.join(PLUGIN_ROOT, "node_modules/@medusajs/medusa/dist/subscribers/payment-webhook.js"))
    .default as Subscriber
}

/** The plugin's built `payment.webhook_received` subscriber (cancellations, the inbox). */
export function pluginWebhookSubscriber(): Subscriber {
  return builtPluginModule<{ default: Subscriber }>("subscribers/payment-webhook.js").default
}

export type DeliveryOutcome = { core: unknown; plugin: unknown }

/**
 * Hands one webhook body to both `payment.webhook_received` subscribers, as the event bus does after Medusa's hook
 * route (`/hooks/payment/:provider`), without the route's fixed 5 s delay, and waits for both. Returns what each
 * threw (null when it did not): the local event bus would only log it.
 */
export async function deliverWebhook(
  container: MedusaContainer,
  body: Record<string, unknown>,
  headers: Record<string, string> = { "content-type": "application/json" }
): Promise<DeliveryOutcome> {
  const event = () => ({
    name: "payment.webhook_received",
    data: {
      provider: WEBHOOK_PROVIDER_KEY,
      payload: { data: { ...body }, rawData: JSON.stringify(body), headers: { ...headers } },
    },
  })
  const [core, plugin] = await Promise.allSettled([
    coreWebhookSubscriber()({ event: event(), container }),
    pluginWebhookSubscriber()({ event: event(), container }),
  ])
  return {
    core: core.status === "rejected" ? core.reason : null,
    plugin: plugin.status === "rejected" ? plugin.reason : null,
  }
}

/**
 * `paidOrder`, with the checkout's own "paid" notice already handled, for tests that start from a settled payment.
 * The sandbox sends nothing during the checkout; the body it would have sent goes to both subscribers at once
 * (deliverWebhook) instead of waiting out the hook route's fixed 5 s. The notice leaves what it always leaves (its
 * inbox row, core's look-up); the hook route's own path is tested in checkout.spec.ts and webhook-edge.spec.ts.
 */
export async function paidOrderNoticed(
  api: AxiosInstance,
  store: Store,
  container: MedusaContainer,
  sandbox: RunningSandbox,
  pay: (merchantUid: string) => Promise<{ imp_uid: string }>
): Promise<Awaited<ReturnType<typeof paidOrder>>> {
  const webhooks = sandbox.context.webhooks
  const { url } = webhooks.config
  webhooks.configure({ url: null })
  let order: Awaited<ReturnType<typeof paidOrder>>
  try {
    order = await paidOrder(api, store, pay)
  } finally {
    webhooks.configure({ url })
  }
  const payment = sandbox.context.state.payments.get(order.impUid)
  if (!payment) {
    throw new Error(`the sandbox has no payment ${order.impUid}`)
  }
  const outcome = await deliverWebhook(container, {
    imp_uid: payment.imp_uid,
    merchant_uid: payment.merchant_uid,
    status: payment.status,
  })
  if (outcome.core || outcome.plugin) {
    throw new Error(`the checkout's paid notice failed: ${String(outcome.core ?? outcome.plugin)}`)
  }
  return order
}
