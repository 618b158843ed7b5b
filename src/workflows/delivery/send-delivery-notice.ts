import { randomUUID } from "node:crypto"
import type { ILockingModule, Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { type DeliveryNotice, paymentwallModule } from "../../modules/iamport-paymentwall"
import { acquireUnlessShuttingDown } from "../steps/acquire-payment-lock"
import { paymentwallProvider } from "../../providers/iamport-paymentwall/registered-provider"
import { type DeliveryOrder, deliveryRequest, MAX_DELIVERY_ATTEMPTS, nextAttemptAfter } from "./delivery-request"

export type DeliverySendOutcome = "sent" | "retry" | "failed" | "skipped"

/** Outlives one i'mport call with its token fetch and a retry; a holder that died frees the row by then. */
const LOCK_TTL_S = 600

/**
 * Sends one outbox row to i'mport, under a lock on the row, so two processes (or the subscriber and the job)
 * never send the same report at once; a row already sent is never sent again. A failure schedules the next try
 * with backoff, and gives up after MAX_DELIVERY_ATTEMPTS. A "delivered" waits while its payment's
 * "order_shipped" is still pending, so Paymentwall hears them in order.
 */
export async function sendDeliveryNotice(container: MedusaContainer, id: string, now = new Date()): Promise<DeliverySendOutcome> {
  const locking = container.resolve<ILockingModule>(Modules.LOCKING)
  const lock = { key: `iamport-paymentwall:delivery:${id}`, owner_id: randomUUID(), ttl: LOCK_TTL_S, timeout: 0 }
  // acquire and release, not locking.execute: Medusa's locking-postgres runs execute's job inside an open
  // transaction, so each sender (and each waiter) would hold a pooled connection while the job needs others, and
  // a burst of them starves the pool. A row whose lock is taken is being sent by someone else: skipped, not awaited.
  try {
    await acquireUnlessShuttingDown(locking, lock)
  } catch {
    return "skipped"
  }
  try {
    return await sendLocked(container, id, now)
  } finally {
    await locking.release(lock.key, { ownerId: lock.owner_id })
  }
}

async function sendLocked(container: MedusaContainer, id: string, now: Date): Promise<DeliverySendOutcome> {
  const service = paymentwallModule(container)
  const [notice] = await service.listDeliveryNotices({ id })
  if (!notice || notice.state !== "pending" || new Date(notice.next_attempt_at).getTime() > now.getTime()) {
    return "skipped"
  }
  if (notice.status === "delivered") {
    const [shipped] = await service.listDeliveryNotices({ payment_id: notice.payment_id, status: "order_shipped", state: "pending" }, { select: ["id", "next_attempt_at"] })
    if (shipped) {
      // Not due before its shipment is: a row left due would take a place in every batch meanwhile.
      await service.updateDeliveryNotices({ id, next_attempt_at: shipped.next_attempt_at })
      return "skipped"
    }
  }
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const request = deliveryRequest(notice, await loadDeliveryOrder(container, notice.order_id), service.settings().deliveryEstimateDays, now)
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
      request: request as unknown as Record<string, unknown>,
      state: failed ? "failed" : "pending",
      next_attempt_at: new Date(now.getTime() + nextAttemptAfter(attempts)),
    })
    logger.warn(`iamport-paymentwall: delivery report ${notice.status} for payment ${notice.payment_id} failed (attempt ${attempts}${failed ? ", given up" : ""}): ${message}`)
    return failed ? "failed" : "retry"
  }
  await service.updateDeliveryNotices({ id, attempts: notice.attempts + 1, state: "sent", sent_at: new Date(), last_error: null, request: request as unknown as Record<string, unknown> })
  logger.info(`iamport-paymentwall: reported ${notice.status} (${notice.type}) to Paymentwall for payment ${notice.payment_id}`)
  return "sent"
}

async function loadDeliveryOrder(container: MedusaContainer, orderId: string): Promise<DeliveryOrder> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({ entity: "order", fields: ["email", "shipping_address.*"], filters: { id: orderId } })
  const order = data[0] as DeliveryOrder | undefined
  return { email: order?.email ?? null, shipping_address: order?.shipping_address ?? null }
}

/** The rows due now, oldest first: what the job sends. */
export async function dueDeliveryNotices(container: MedusaContainer, now: Date, take: number): Promise<DeliveryNotice[]> {
  return paymentwallModule(container).listDeliveryNotices(
    { state: "pending", next_attempt_at: { $lte: now } },
    { order: { created_at: "ASC" }, take }
  )
}
