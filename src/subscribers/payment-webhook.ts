import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { MedusaError, PaymentWebhookEvents } from "@medusajs/framework/utils"
import { isPaymentwallProviderId } from "../lib/paymentwall-provider"
import { parseWebhookBody, type WebhookPayload, webhookSourceIp } from "../providers/iamport-paymentwall/webhook-body"
import { ticketService } from "../workflows/settlement/payment-state"
import type { SettleResult } from "../workflows/settlement/settle-payment"
import { medusaPaymentFor } from "../workflows/settlement/target"
import { settleCancellationsWorkflow } from "../workflows/settle-cancellations"

type WebhookEventData = { provider: string; payload: WebhookPayload }

/**
 * i'mport's webhooks for cancellations. Medusa's own payment subscriber handles payments (the provider maps them
 * with a session_id) and skips these (no session_id). Every delivery goes into the inbox; a payment with a
 * cancellation, or with tickets still waiting, is settled from a fresh lookup under the payment's lock.
 */
export default async function iamportPaymentwallWebhook({ event, container }: SubscriberArgs<WebhookEventData>): Promise<void> {
  const providerId = `pp_${event.data.provider}`
  if (!isPaymentwallProviderId(providerId)) {
    return
  }
  const body = parseWebhookBody(event.data.payload)
  const service = ticketService(container)
  const receivedAt = new Date()
  const dedupeKey = [body.imp_uid, body.status, body.cancellation_id].map((v) => v ?? "-").join("|")
  const inbox = await service.createWebhookEvents({
    dedupe_key: dedupeKey,
    imp_uid: body.imp_uid ?? null,
    merchant_uid: body.merchant_uid ?? null,
    status: body.status ?? null,
    cancellation_id: body.cancellation_id ?? null,
    source_ip: webhookSourceIp(event.data.payload.headers) ?? null,
    received_at: receivedAt,
  })

  const finish = (outcome: string, error?: string) =>
    service.updateWebhookEvents({ id: inbox.id, processed_at: new Date(), outcome, error: error ?? null })

  if (!body.imp_uid) {
    return void (await finish("ignored: no imp_uid"))
  }
  try {
    const paymentId = await medusaPaymentFor(container, providerId, body.imp_uid, body.merchant_uid)
    if (!paymentId) {
      return void (await finish("no Medusa payment for it (yet)"))
    }
    const waiting = await service.listCancelTickets(
      { payment_id: paymentId, status: ["requested", "waiting_for_cancellation"] },
      { select: ["id"], take: 1 }
    )
    if (body.status !== "cancelled" && waiting.length === 0) {
      return void (await finish("nothing to settle"))
    }
    const { result } = await settleCancellationsWorkflow(container).run({
      input: {
        payment_id: paymentId,
        provider_id: providerId,
        imp_uid: body.imp_uid,
        rejection_notice: body.cancellation_id
          ? undefined
          : { received_at: receivedAt.toISOString(), dedupe_key: dedupeKey, webhook_event_id: inbox.id },
        rejection_grace_ms: service.settings().rejectionGraceSeconds * 1000,
      },
    })
    await finish(summary(result))
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    await finish("failed", message)
    // Unverifiable deliveries are done with; a transient failure is thrown so an event bus with retries retries.
    if (!(error instanceof MedusaError) || error.type === MedusaError.Types.UNEXPECTED_STATE) {
      throw error
    }
  }
}

function summary(result: SettleResult): string {
  const parts = [
    result.rejected.length ? `rejected ${result.rejected.join(",")}` : "",
    result.booked.length ? `booked ${result.booked.join(",")}` : "",
    result.external.length ? `external ${result.external.join(",")}` : "",
  ].filter(Boolean)
  return parts.join("; ") || "no change"
}

export const config: SubscriberConfig = {
  event: PaymentWebhookEvents.WebhookReceived,
  context: { subscriberId: "iamport-paymentwall-cancellation-webhook" },
}
