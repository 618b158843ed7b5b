import type { MedusaNextFunction, MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { randomUUID } from "node:crypto"
import type { ILockingModule, Logger } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MedusaError, Modules } from "@medusajs/framework/utils"
import { keepLocksAlive, LOCK_LEASE_SECONDS, stopRenewing } from "../../../lib/lock-lease"
import { paymentwallPaymentsOfOrder } from "../../../lib/order-payments"
import { paymentLockKey } from "../../../modules/iamport-paymentwall"
import { paymentwallProvider } from "../../../providers/iamport-paymentwall/registered-provider"
import { errorMessage } from "../../../lib/error-message"
import { prepareOrderCancelWorkflow } from "../../../workflows/refunds/workflows/prepare-order-cancel"
import { settlePaymentWorkflow } from "../../../workflows/settlement/workflows/settle-payment"

/**
 * Runs before Medusa's `POST /admin/orders/:id/cancel`. Cancelling refunds captured − refunded, and Medusa does
 * not know of a refund Paymentwall is still settling, so the cancel would ask Paymentwall for that money a second
 * time. Refuse until Paymentwall has answered (or a person has dismissed the request).
 */
export async function guardOrderCancel(
  req: MedusaRequest,
  res: MedusaResponse,
  next: MedusaNextFunction
): Promise<void> {
  try {
    const order = await paymentwallPaymentsOfOrder(req.scope, req.params.id, ["captured_at", "data"])
    const payments = order?.payments ?? []
    const paymentIds = payments.map((p) => p.id)
    if (paymentIds.length && order?.status !== "canceled") {
      // Held until the response is sent: Medusa's cancel writes payment.data and books refunds, and a settlement of
      // the same payment meanwhile could erase the provider's record of it or use up a record-only marker. The
      // order's own lock (the key Medusa's order-edit workflows take) keeps an order edit from opening between the
      // check below and Medusa's credit line. Returns, claims, exchanges and transfer requests take no lock in 2.21.
      // Renewed for as long as the work under them may last (the settlement's i'mport calls, then Medusa's own refund
      // through the provider, a look-up and a cancel: two lock lifetimes), on a short lease (lib/lock-lease.ts).
      const maxHold = Math.max(
        ...payments.map((p) => 2 * paymentwallProvider(req.scope, p.provider_id).lockTtlSeconds())
      )
      await holdLocks(req, res, [...paymentIds.map(paymentLockKey), req.params.id], maxHold)
      const captured = payments.map((p) => ({
        id: p.id,
        provider_id: p.provider_id,
        imp_uid: p.captured_at ? (p.data?.imp_uid ?? null) : null,
      }))
      await settleBeforeCancel(req, captured)
      await prepareOrderCancelWorkflow(req.scope).run({ input: { order_id: req.params.id, payments: captured } })
    }
    next()
  } catch (error) {
    next(error)
  }
}

const LOCK_WAIT_MS = 30_000

/**
 * Cancel-order refunds captured − refunded. A cancellation i'mport already made that Medusa has not booked yet (a
 * console refund whose notice is still on its way) would make that ask for more than i'mport has left, and Medusa's
 * refundPaymentsWorkflow logs a failed refund and cancels the order anyway: the rest of the money would stay with
 * the shop, silently. So each captured payment is settled first, under the locks this guard holds; what a
 * settlement books or flags stands whether the cancel is then refused or not.
 */
async function settleBeforeCancel(
  req: MedusaRequest,
  payments: { id: string; provider_id: string; imp_uid: string | null }[]
): Promise<void> {
  for (const payment of payments) {
    if (!payment.imp_uid) {
      continue
    }
    try {
      await settlePaymentWorkflow(req.scope).run({
        input: { payment_id: payment.id, provider_id: payment.provider_id, imp_uid: payment.imp_uid },
      })
    } catch (error) {
      // The workflow's error arrives as a plain object: keep a type the admin can act on (a busy lock stays CONFLICT);
      // anything else (i'mport out of reach) is a 400 with the reason, never Medusa's masked 500.
      const type = (error as { type?: unknown } | null)?.type
      const kept: string[] = [MedusaError.Types.CONFLICT, MedusaError.Types.NOT_FOUND, MedusaError.Types.INVALID_DATA]
      const known = typeof type === "string" && kept.includes(type) ? type : MedusaError.Types.NOT_ALLOWED
      throw new MedusaError(
        known,
        `The order was not cancelled: its Paymentwall payment could not be settled with i'mport first (${errorMessage(error)}).`
      )
    }
  }
}

async function holdLocks(req: MedusaRequest, res: MedusaResponse, keys: string[], maxHold: number): Promise<void> {
  const locking = req.scope.resolve<ILockingModule>(Modules.LOCKING)
  const ownerId = `order-cancel:${randomUUID()}`
  const expire = Math.min(LOCK_LEASE_SECONDS, maxHold)
  const release = () =>
    void stopRenewing(ownerId)
      .then(() => locking.release(keys, { ownerId }))
      .catch(() => undefined)
  const until = Date.now() + LOCK_WAIT_MS
  for (;;) {
    try {
      await locking.acquire(keys, { ownerId, expire })
      keepLocksAlive(locking, keys, ownerId, maxHold, req.scope.resolve<Logger>(ContainerRegistrationKeys.LOGGER))
      break
    } catch {
      // Taking several keys is not all-or-nothing: give back the ones this attempt got (release checks the owner).
      await locking.release(keys, { ownerId }).catch(() => undefined)
      if (Date.now() >= until) {
        throw new MedusaError(
          MedusaError.Types.CONFLICT,
          "This order's Paymentwall payment is being settled, or the order edited, right now; try again in a moment."
        )
      }
      await new Promise((resolve) => setTimeout(resolve, 300))
    }
  }
  // Only once the answer is sent: a client that drops the connection does not stop Medusa's cancel, which goes on
  // writing this payment; the renewals then stop after maxHold and the locks run out on their own.
  res.once("finish", release)
}
