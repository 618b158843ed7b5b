import { MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { OPEN_TICKET_STATUSES, paymentwallModule } from "../../../modules/iamport-paymentwall"
import { activeOrderChangeReason } from "../../settlement/utils/order-change"

export const prepareOrderCancelStepId = "iamport-paymentwall-prepare-order-cancel"

export type PrepareOrderCancelInput = {
  order_id: string
  /** The order's Paymentwall payments, imp_uid null when not captured; the caller holds their locks. */
  payments: { id: string; provider_id: string; imp_uid: string | null }[]
}

/**
 * Refuses the cancel while money waits in a ticket, was closed by hand, or an order change is open. Runs after the
 * order's payments were settled (the order-cancel guard), so what i'mport already returned is booked. Writes nothing.
 */
export const prepareOrderCancelStep = createStep(
  prepareOrderCancelStepId,
  async (input: PrepareOrderCancelInput, { container }) => {
    // Permanent, so said before anything that may clear.
    const closed = await paymentwallModule(container).listCancelTickets({
      payment_id: input.payments.map((p) => p.id),
      status: "closed",
      refund_id: null,
    })
    if (closed.length) {
      const total = closed.reduce((sum, t) => sum + Number(t.amount), 0)
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `i'mport returned ${total} ${closed[0].currency_code.toUpperCase()} of this order's payment that a shop admin closed by hand, so Medusa never booked it. ` +
          `Medusa's cancel would ask i'mport for that money again, and i'mport no longer holds it: this order cannot be cancelled in Medusa. Refund what is left instead.`
      )
    }
    const open = await paymentwallModule(container).listCancelTickets(
      { payment_id: input.payments.map((p) => p.id), status: [...OPEN_TICKET_STATUSES], refund_id: null },
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
    // Medusa's cancel refunds first and books the credit line after, which an open order change refuses: the money
    // would leave through Paymentwall while the order stays uncancelled. Refuse before anything is sent.
    const changeReason = await activeOrderChangeReason(container, input.order_id)
    if (changeReason) {
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `${changeReason}. Finish or cancel the open order edit, return, claim or exchange first: Medusa would refund this order's ` +
          `Paymentwall payment and then refuse to cancel it.`
      )
    }
    return new StepResponse(undefined)
  }
)
