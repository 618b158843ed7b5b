import type { MedusaNextFunction, MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { randomUUID } from "node:crypto"
import type { ILockingModule } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MedusaError, Modules } from "@medusajs/framework/utils"
import { isPaymentwallProviderId, paymentwallProvider } from "../../../lib/paymentwall-provider"
import { settlePayment } from "../../../workflows/settlement/settle-payment"
import { lockKey, ticketService } from "../../../workflows/settlement/payment-state"
import { activeOrderChangeReason } from "../../../workflows/settlement/order-change"
import { OPEN_TICKET_STATUSES } from "../../../modules/iamport-paymentwall/models/cancel-ticket"

/**
 * Runs before Medusa's `POST /admin/orders/:id/cancel`. Cancelling refunds captured − refunded, and Medusa does
 * not know of a refund Paymentwall is still settling, so the cancel would ask Paymentwall for that money a second
 * time. Refuse until Paymentwall has answered (or a person has dismissed the request).
 */
export async function guardOrderCancel(req: MedusaRequest, res: MedusaResponse, next: MedusaNextFunction): Promise<void> {
  try {
    const query = req.scope.resolve(ContainerRegistrationKeys.QUERY)
    const { data } = await query.graph({
      entity: "order",
      fields: [
        "id",
        "status",
        "payment_collections.payments.id",
        "payment_collections.payments.provider_id",
        "payment_collections.payments.captured_at",
        "payment_collections.payments.data",
      ],
      filters: { id: req.params.id },
    })
    const order = data[0] as { status?: string; payment_collections?: { payments?: PaymentRow[] }[] } | undefined
    const payments = (order?.payment_collections ?? []).flatMap((c) => c.payments ?? []).filter((p) => isPaymentwallProviderId(p.provider_id))
    const paymentIds = payments.map((p) => p.id)
    if (paymentIds.length && order?.status !== "canceled") {
      // Held until the response is sent: Medusa's cancel writes payment.data and books refunds, and a settlement of
      // the same payment meanwhile could erase the provider's record of it or use up a record-only marker.
      await holdPaymentLocks(req, res, paymentIds)
      await settleBeforeCancel(req, payments)
      const open = await ticketService(req.scope).listCancelTickets(
        { payment_id: paymentIds, status: [...OPEN_TICKET_STATUSES], refund_id: null },
        { take: 1 }
      )
      const ticket = open[0]
      if (ticket) {
        const amount = `${ticket.amount} ${ticket.currency_code.toUpperCase()}`
        throw new MedusaError(
          MedusaError.Types.NOT_ALLOWED,
          ticket.status === "returned"
            ? `i'mport has returned ${amount} of this order's payment, and Medusa has not booked it yet (${ticket.error ?? "see the order page"}). ` +
                `Resolve that first, so the money is not asked back twice.`
            : `Paymentwall is still settling a refund of ${amount} on this order. ` +
                `Cancel the order once Paymentwall has answered, or dismiss the request on the order page, so the money is not asked back twice.`
        )
      }
      // Medusa's cancel refunds first and books the credit line after, which an open order change refuses: the
      // money would leave through Paymentwall while the order stays uncancelled. Refuse before anything is sent.
      const changeReason = await activeOrderChangeReason(req.scope, req.params.id)
      if (changeReason) {
        throw new MedusaError(
          MedusaError.Types.NOT_ALLOWED,
          `${changeReason}. Finish or cancel the open order edit, return, claim or exchange first: Medusa would refund this order's ` +
            `Paymentwall payment and then refuse to cancel it.`
        )
      }
    }
    next()
  } catch (error) {
    next(error)
  }
}

const LOCK_WAIT_MS = 30_000

async function holdPaymentLocks(req: MedusaRequest, res: MedusaResponse, paymentIds: string[]): Promise<void> {
  const locking = req.scope.resolve<ILockingModule>(Modules.LOCKING)
  const keys = paymentIds.map(lockKey)
  const ownerId = `order-cancel:${randomUUID()}`
  const release = () => void locking.release(keys, { ownerId }).catch(() => undefined)
  const until = Date.now() + LOCK_WAIT_MS
  for (;;) {
    try {
      // As long as a settlement may hold it: a cancel request is shorter than that.
      await locking.acquire(keys, { ownerId, expire: 300 })
      break
    } catch (error) {
      if (Date.now() >= until) {
        throw new MedusaError(MedusaError.Types.CONFLICT, "A refund of this order's Paymentwall payment is being settled right now; try again in a moment.")
      }
      await new Promise((resolve) => setTimeout(resolve, 300))
    }
  }
  res.once("finish", release)
  res.once("close", release)
}

type PaymentRow = { id: string; provider_id: string; captured_at: Date | null; data: { imp_uid?: string | null } | null }

/**
 * Cancel-order refunds captured − refunded. A cancellation i'mport already made that Medusa has not booked yet (a
 * console refund whose notice is still on its way) would make that ask for more than i'mport has left, and Medusa's
 * refundPaymentsWorkflow logs a failed refund and cancels the order anyway: the rest of the money would stay with
 * the shop, silently. So the payments are settled first, under the locks this request holds.
 */
async function settleBeforeCancel(req: MedusaRequest, payments: PaymentRow[]): Promise<void> {
  for (const payment of payments) {
    const impUid = payment.data?.imp_uid
    if (!impUid || !payment.captured_at) {
      continue
    }
    let iamport
    try {
      iamport = await paymentwallProvider(req.scope, payment.provider_id).lookupPayment(impUid)
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `Could not check the Paymentwall payment with i'mport before cancelling (${message}); try again in a moment.`
      )
    }
    await settlePayment(req.scope, { payment_id: payment.id, iamport })
  }
}
