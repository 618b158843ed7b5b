import { MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { loadPaymentState } from "../../settlement/utils/payment-state"
import { removeRefund } from "../../settlement/utils/reverse-refund"
import { candidateDecided } from "../../settlement/utils/complete-ticket"
import type { TicketActionInput } from "./prepare-ticket-retry"
import { paymentwallModule } from "../../../modules/iamport-paymentwall"

export const dismissTicketStepId = "iamport-paymentwall-dismiss-ticket"

/**
 * A person has dealt with a ticket that needed attention. An unanswered request they found absent from i'mport's
 * console becomes failed (it holds no money back any more); any other flagged ticket is just acknowledged.
 */
export const dismissTicketStep = createStep(
  dismissTicketStepId,
  async ({ ticket_id, actor_id }: TicketActionInput, { container }) => {
    const service = paymentwallModule(container)
    const ticket = await service.retrieveCancelTicket(ticket_id)
    if (!ticket.needs_attention && ticket.status !== "requested") {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Ticket ${ticket.id} does not need attention.`)
    }
    const unanswered = ticket.status === "requested"
    // A request that never reached i'mport returned no money: a Refund Medusa booked for it first (order cancel,
    // compensation) is reversed, or the order would show a refund the buyer never got.
    const reversed = unanswered && ticket.refund_id
    const left = reversed
      ? await removeRefund(
          container,
          await loadPaymentState(container, ticket.payment_id),
          { id: ticket.refund_id!, amount: ticket.amount },
          ticket.origin !== "admin"
        )
      : []
    if (reversed && ticket.origin === "order_cancel") {
      left.push("the refund credit line that the order cancellation added cannot be removed in Medusa")
    }
    const metadata = {
      ...(ticket.metadata ?? {}),
      dismissed_by: actor_id ?? null,
      dismissed_at: new Date().toISOString(),
      ...(reversed ? { reversed_refund_id: ticket.refund_id } : {}),
      // A failed request is no one's approval any more.
      ...(unanswered ? candidateDecided(ticket).metadata : {}),
    }
    const error = `${ticket.error ?? "No answer from i'mport"} (dismissed: not found at i'mport)`
    await service.updateCancelTickets({
      id: ticket.id,
      needs_attention: left.length > 0,
      metadata,
      ...(unanswered
        ? {
            status: "failed",
            settled_at: new Date(),
            refund_id: null,
            error: left.length
              ? `${error}. Medusa's refund was reversed, but ${left.join("; ")}.`
              : reversed
                ? `${error}. Medusa's refund was reversed.`
                : error,
          }
        : {}),
    })
    return new StepResponse(await service.retrieveCancelTicket(ticket.id))
  }
)
