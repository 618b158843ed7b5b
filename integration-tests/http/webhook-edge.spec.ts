import path from "node:path"
import pruneWebhookEventsJob from "../../src/jobs/prune-webhook-events"
import type IamportPaymentwallModuleService from "../../src/modules/iamport-paymentwall/service"
import { MAX_WEBHOOK_BODY_BYTES, WEBHOOK_SENDER_HEADER } from "../../src/lib/paymentwall/webhook-body"
import { describeStore } from "../helpers/runner"
import { sandboxPost, waitFor, WEBHOOK_PATH } from "../helpers/sandbox"
import { completeCart, orderWithPayments, startCheckout, type Store } from "../helpers/store"

/** The same store's second provider, which trusts loopback as a proxy (see ../webhook-edge/medusa-config.ts). */
const PROXIED_WEBHOOK_PATH = "/hooks/payment/iamport-paymentwall_proxied"
const DAY_MS = 86_400_000
/** One of i'mport's webhook addresses, on the store's allow-list. Not imported from the config: the app loads that itself. */
const IAMPORT_WEBHOOK_IP = "52.78.100.19"

/**
 * The hook route's edges, on a store with webhookAllowedIps on: a client-written X-Forwarded-For (or sender header)
 * does not make a request i'mport's, an oversized body is refused, and old inbox rows are pruned.
 */
describeStore(
  ({ api, getContainer, sandbox, store: seeded }) => {
    let store: Store
    beforeEach(() => {
      store = seeded()
    })

    const inbox = () => getContainer().resolve<IamportPaymentwallModuleService>("iamport_paymentwall")

    it("a forged X-Forwarded-For from loopback is not taken as i'mport's address", async () => {
      // The order waits for a webhook; the sandbox's own deliveries are held so only the test's requests arrive.
      const checkout = await startCheckout(api, store)
      const completed = await completeCart(api, store, checkout.cartId)
      expect(completed.type).toBe("order")
      sandbox().context.webhooks.configure({ hold: true })
      const merchantUid = checkout.session.data.merchant_uid
      const { imp_uid } = await sandboxPost<{ imp_uid: string }>(sandbox(), "/sandbox/pay", {
        merchant_uid: merchantUid,
        outcome: "paid",
      })
      const body = { imp_uid, merchant_uid: merchantUid, status: "paid" }

      const forged = await api.post(WEBHOOK_PATH, body, {
        headers: { "x-forwarded-for": IAMPORT_WEBHOOK_IP, [WEBHOOK_SENDER_HEADER]: IAMPORT_WEBHOOK_IP },
      })
      expect(forged.status).toBe(200)
      const row = await waitFor("the forged delivery to be handled", async () => {
        const [event] = await inbox().listWebhookEvents({ imp_uid })
        return event?.processed_at ? event : undefined
      })
      expect(["127.0.0.1", "::1"]).toContain(row.source_ip)
      // The plugin's own door applies the same allow-list, before any i'mport call.
      expect(row.outcome).toMatch(/^ignored: sender .* is not in webhookAllowedIps$/)
      // Medusa's own payment subscriber handles the same event; give it time to have captured, had it been allowed.
      await new Promise((r) => setTimeout(r, 2000))
      expect((await orderWithPayments(api, store, completed.order.id)).payment_status).toBe("awaiting")

      // Control: where loopback is a trusted proxy, the same header is the proxy's report, and the payment is captured.
      await api.post(PROXIED_WEBHOOK_PATH, body, { headers: { "x-forwarded-for": IAMPORT_WEBHOOK_IP } })
      await waitFor("the proxied delivery to capture the payment", async () => {
        const order = await orderWithPayments(api, store, completed.order.id)
        return order.payment_status === "captured" ? order : undefined
      })
    })

    it("refuses a webhook body over the cap with 413", async () => {
      const res = await api.post(
        WEBHOOK_PATH,
        { imp_uid: "imp_oversized", padding: "x".repeat(MAX_WEBHOOK_BODY_BYTES) },
        { validateStatus: () => true }
      )
      expect(res.status).toBe(413)
      expect(res.data.message).toContain(`over ${MAX_WEBHOOK_BODY_BYTES} bytes`)
      await new Promise((r) => setTimeout(r, 500))
      expect(await inbox().listWebhookEvents({ imp_uid: "imp_oversized" })).toHaveLength(0)
    })

    it("the daily job deletes inbox rows past webhookRetentionDays, in batches, and keeps younger ones", async () => {
      const now = Date.now()
      const row = (i: number, ageDays: number, prefix: string) => ({
        dedupe_key: `${prefix}-${i}`,
        imp_uid: `imp_${prefix}_${i}`,
        received_at: new Date(now - ageDays * DAY_MS - i * 1000),
      })
      // More than two batches of old rows (500 a batch), one soft-deleted, and rows just inside the window.
      const old = await inbox().createWebhookEvents(Array.from({ length: 1_050 }, (_, i) => row(i, 31, "old")))
      await inbox().softDeleteWebhookEvents([old[0].id])
      await inbox().createWebhookEvents(Array.from({ length: 5 }, (_, i) => row(i, 29, "young")))

      await pruneWebhookEventsJob(getContainer())

      const left = await inbox().listWebhookEvents({}, { select: ["dedupe_key"], withDeleted: true, take: 2_000 })
      expect(left.map((e) => e.dedupe_key).sort()).toEqual(["young-0", "young-1", "young-2", "young-3", "young-4"])
    })
  },
  path.join(__dirname, "../webhook-edge")
)
