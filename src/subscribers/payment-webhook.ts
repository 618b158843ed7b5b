import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import type { MedusaContainer } from "@medusajs/framework/types"
import { PaymentWebhookEvents } from "@medusajs/framework/utils"
import type { IamportPayment, IamportWebhookBody } from "../lib/iamport/types"
import { paymentwallProvider } from "../providers/iamport-paymentwall/registered-provider"
import { isPaymentwallProviderId } from "../lib/paymentwall/provider-id"
import type { WebhookPayload } from "../lib/paymentwall/webhook-body"
import { sessionIdFromMerchantUid } from "../lib/paymentwall/payment-data"
import { capturedImpUidOf, paymentIdForSession } from "../lib/order-payments"
import { settleCancellationsWorkflow } from "../workflows/settlement/workflows/settle-cancellations"
import { recordExtraAttemptWorkflow } from "../workflows/extra-attempts/workflows/record-extra-attempt"
import type { SettledPayment } from "../workflows/settlement/workflows/settle-cancellations"
import { paymentwallModule, OPEN_TICKET_STATUSES } from "../modules/iamport-paymentwall"
import { errorMessage } from "../lib/error-message"

type WebhookEventData = { provider: string; payload: WebhookPayload }

/**
 * i'mport's webhooks for cancellations. Medusa's own payment subscriber handles payments (the provider maps them
 * with a session_id) and skips these (no session_id). Every delivery is recorded in the inbox; a payment with a
 * cancellation, or with tickets still open, is settled from a fresh lookup under the payment's lock, and a paid or
 * cancelled attempt other than the captured one is checked as a second charge. Nothing in a body is believed: it
 * decides only whether to look again.
 */
export default async function iamportPaymentwallWebhook({
  event,
  container,
}: SubscriberArgs<WebhookEventData>): Promise<void> {
  const providerId = `pp_${event.data.provider}`
  if (!isPaymentwallProviderId(providerId)) {
    return
  }
  const receivedAt = new Date()
  // The provider's door: one reading of the body, the sender and the allow-list for payments and cancellations alike.
  const notice = paymentwallProvider(container, providerId).readNotice(event.data.payload)
  const { body, sender } = notice
  const inboxId = await recordDelivery(container, body, sender, receivedAt)
  const service = paymentwallModule(container)
  const finish = (outcome: string, error?: string) =>
    service.updateWebhookEvents({
      id: inboxId,
      processed_at: new Date(),
      outcome,
      error: error?.slice(0, 1000) ?? null,
    })

  if (notice.refused || !body.imp_uid) {
    // A sender outside the allow-list or a body naming nothing costs no i'mport call.
    return void (await finish(`ignored: ${notice.refused ?? "the body carries no imp_uid"}`))
  }
  try {
    // The body only says where to look: a genuine notice names its merchant_uid. Without one, only a payment the
    // plugin already tracks by imp_uid is looked at (no i'mport call outside the lock for a body that costs nothing
    // to forge); anything else is left to the settlement job's sweep.
    const paymentId = body.merchant_uid
      ? await medusaPaymentOf(container, body.merchant_uid)
      : await trackedPaymentOf(container, body.imp_uid)
    if (!paymentId) {
      return void (await finish("no Medusa payment for it (yet)"))
    }
    const captured = await capturedImpUidOf(container, paymentId)
    if (captured && captured !== body.imp_uid) {
      return void (await finish(await otherAttempt(container, paymentId, body)))
    }
    const open = await service.listCancelTickets(
      { payment_id: paymentId, status: [...OPEN_TICKET_STATUSES] },
      { select: ["id"], take: 1 }
    )
    if (body.status !== "cancelled" && open.length === 0) {
      return void (await finish("nothing to settle"))
    }
    const { result } = await settleCancellationsWorkflow(container).run({
      input: {
        payment_id: paymentId,
        provider_id: providerId,
        imp_uid: body.imp_uid,
        notice: {
          webhook_event_id: inboxId,
          received_at: receivedAt.toISOString(),
          suggests_rejection: !body.cancellation_id,
        },
        rejection_grace_ms: service.settings().rejectionGraceSeconds * 1000,
      },
    })
    await finish(summary(result))
  } catch (error) {
    await finish("failed", errorMessage(error))
    // Thrown, so an event bus with retries retries it (a bounded number of times; a settlement is safe to repeat),
    // and the settlement job sweeps what is still open. A workflow's error arrives as a plain object, whatever its
    // type: a busy lock or a database error is as likely here as an unverifiable payment, so none is taken as final.
    throw error
  }
}

/** One inbox row per delivery, written before anything else is done with it. */
async function recordDelivery(
  container: MedusaContainer,
  body: IamportWebhookBody,
  sourceIp: string | undefined,
  at: Date
): Promise<string> {
  const service = paymentwallModule(container)
  const dedupeKey = [body.imp_uid, body.status, body.cancellation_id].map((v) => v ?? "-").join("|")
  const row = await service.createWebhookEvents({
    dedupe_key: dedupeKey,
    imp_uid: body.imp_uid ?? null,
    merchant_uid: body.merchant_uid ?? null,
    status: body.status ?? null,
    cancellation_id: body.cancellation_id ?? null,
    source_ip: sourceIp?.slice(0, 64) ?? null,
    received_at: at,
  })
  return row.id
}

async function medusaPaymentOf(
  container: MedusaContainer,
  merchantUid: IamportPayment["merchant_uid"] | undefined
): Promise<string | null> {
  const sessionId = sessionIdFromMerchantUid(merchantUid)
  return sessionId ? paymentIdForSession(container, sessionId) : null
}

async function trackedPaymentOf(container: MedusaContainer, impUid: string): Promise<string | null> {
  const service = paymentwallModule(container)
  const [ticket] = await service.listCancelTickets({ imp_uid: impUid }, { select: ["payment_id"], take: 1 })
  const [attempt] = ticket
    ? []
    : await service.listExtraAttempts({ imp_uid: impUid }, { select: ["payment_id"], take: 1 })
  return ticket?.payment_id ?? attempt?.payment_id ?? null
}

/**
 * A notice about an attempt of the merchant_uid other than the one Medusa captured: never settled against the
 * captured payment (its cancellations are not this payment's). A paid one may be a second charge of the buyer, and
 * a cancelled one may be a recorded second charge being returned: both are looked up afresh and recorded (ledger
 * invariant (h)). Other statuses move no money: nothing to look up.
 */
async function otherAttempt(container: MedusaContainer, paymentId: string, body: IamportWebhookBody): Promise<string> {
  const impUid = body.imp_uid!
  const [recorded] = await paymentwallModule(container).listExtraAttempts(
    { imp_uid: impUid },
    { select: ["id"], take: 1 }
  )
  if (!recorded && body.status !== "paid" && body.status !== "cancelled") {
    return "another attempt of the order: nothing to settle"
  }
  const { result } = await recordExtraAttemptWorkflow(container).run({
    input: { payment_id: paymentId, imp_uid: impUid, found_by: "notice" },
  })
  return `another attempt of the order: ${result.outcome === "ignored" ? `ignored (${result.reason})` : result.reason}`
}

function summary(result: SettledPayment): string {
  if (result.skipped) {
    return result.skipped
  }
  const parts = [
    result.booked.length ? `booked ${result.booked.join(",")}` : "",
    result.external.length ? `external ${result.external.join(",")}` : "",
    result.blocked.length ? `returned, not booked yet ${result.blocked.join(",")}` : "",
    result.suspected.length ? `rejection suspected ${result.suspected.join(",")}` : "",
  ].filter(Boolean)
  return parts.join("; ") || "no change"
}

export const config: SubscriberConfig = {
  event: PaymentWebhookEvents.WebhookReceived,
  context: { subscriberId: "iamport-paymentwall-cancellation-webhook" },
}
