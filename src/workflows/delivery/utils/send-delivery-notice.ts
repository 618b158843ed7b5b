import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { type DeliveryNotice, paymentwallModule } from "../../../modules/iamport-paymentwall"
import { pgConnection } from "../../../lib/pg-connection"
import { isShuttingDown } from "../../../lib/shutdown"
import { paymentwallProvider } from "../../../providers/iamport-paymentwall/registered-provider"
import { type DeliveryOrder, deliveryRequest, MAX_DELIVERY_ATTEMPTS, nextAttemptAfter } from "./delivery-request"

export type DeliverySendOutcome = "sent" | "retry" | "failed" | "skipped"

/**
 * Sends one outbox row to i'mport. The sender first claims the row: one UPDATE moves its next attempt past the
 * claim's lifetime, only while the row is pending and due, so a second sender (another process, or the job and the
 * subscriber) finds it not due and skips it, and a row already sent is never sent again. A sender that dies leaves
 * the row due again once the claim runs out: sent at least once. A failure schedules the next try with backoff, and
 * gives up after MAX_DELIVERY_ATTEMPTS. A "delivered" waits while its payment's "order_shipped" is still pending, so
 * Paymentwall hears them in order.
 *
 * No locking-module lock: locking-postgres's execute() holds a pooled connection for the whole job (a burst of
 * senders starves the pool), and its acquire() never takes over a dead holder's expired lock (the row would wait
 * forever). The claim works the same on every provider.
 */
export async function sendDeliveryNotice(
  container: MedusaContainer,
  id: string,
  now = new Date()
): Promise<DeliverySendOutcome> {
  const service = paymentwallModule(container)
  const [notice] = await service.listDeliveryNotices({ id })
  if (
    !notice ||
    notice.state !== "pending" ||
    new Date(notice.next_attempt_at).getTime() > now.getTime() ||
    isShuttingDown()
  ) {
    return "skipped"
  }
  // The claim outlives the slowest i'mport calls a send makes, as a payment's lock does.
  const claimUntil = new Date(
    now.getTime() + paymentwallProvider(container, notice.provider_id).lockTtlSeconds() * 1000
  )
  const claimed = await pgConnection(container).raw(
    `update "iamport_pw_delivery_notice" set "next_attempt_at" = ?, "updated_at" = now()
      where "id" = ? and "state" = 'pending' and "deleted_at" is null and "next_attempt_at" <= ?`,
    [claimUntil, id, now]
  )
  if (claimed.rowCount !== 1) {
    return "skipped"
  }
  return sendClaimed(container, notice, now)
}

async function sendClaimed(
  container: MedusaContainer,
  notice: DeliveryNotice,
  now: Date
): Promise<DeliverySendOutcome> {
  const service = paymentwallModule(container)
  const id = notice.id
  if (notice.status === "delivered") {
    const [shipped] = await service.listDeliveryNotices(
      { payment_id: notice.payment_id, status: "order_shipped", state: "pending" },
      { select: ["id", "next_attempt_at"] }
    )
    if (shipped) {
      // Not due before its shipment is: a row left due would take a place in every batch meanwhile.
      await service.updateDeliveryNotices({ id, next_attempt_at: shipped.next_attempt_at })
      return "skipped"
    }
  }
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const request = deliveryRequest(
    notice,
    await loadDeliveryOrder(container, notice.order_id),
    service.settings().deliveryEstimateDays,
    now
  )
  try {
    await paymentwallProvider(container, notice.provider_id).confirmDelivery(request)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const attempts = notice.attempts + 1
    const failed = attempts >= MAX_DELIVERY_ATTEMPTS
    await service.updateDeliveryNotices({
      id,
      attempts,
      last_error: message,
      request,
      state: failed ? "failed" : "pending",
      next_attempt_at: new Date(now.getTime() + nextAttemptAfter(attempts)),
    })
    logger.warn(
      `iamport-paymentwall: delivery report ${notice.status} for payment ${notice.payment_id} failed (attempt ${attempts}${failed ? ", given up" : ""}): ${message}`
    )
    return failed ? "failed" : "retry"
  }
  await service.updateDeliveryNotices({
    id,
    attempts: notice.attempts + 1,
    state: "sent",
    sent_at: new Date(),
    last_error: null,
    request,
  })
  logger.info(
    `iamport-paymentwall: reported ${notice.status} (${notice.type}) to Paymentwall for payment ${notice.payment_id}`
  )
  return "sent"
}

async function loadDeliveryOrder(container: MedusaContainer, orderId: string): Promise<DeliveryOrder> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "order",
    fields: ["email", "shipping_address.*"],
    filters: { id: orderId },
  })
  const order = data[0] as DeliveryOrder | undefined
  return { email: order?.email ?? null, shipping_address: order?.shipping_address ?? null }
}

/** The rows due now, oldest first: what the job sends. */
export async function dueDeliveryNotices(
  container: MedusaContainer,
  now: Date,
  take: number
): Promise<DeliveryNotice[]> {
  return paymentwallModule(container).listDeliveryNotices(
    { state: "pending", next_attempt_at: { $lte: now } },
    { order: { created_at: "ASC" }, take }
  )
}
