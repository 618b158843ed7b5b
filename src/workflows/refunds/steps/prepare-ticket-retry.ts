import { MathBN, MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { formatAmount } from "../../../lib/money"
import { loadPaymentState } from "../../settlement/utils/payment-state"
import type { CancelRequestPlan } from "./validate-cancel-request"
import { paymentwallModule } from "../../../modules/iamport-paymentwall"
import { unbookedTicketsOf, refundableBalance } from "../../settlement/utils/refundable"

export type TicketActionInput = { ticket_id: string; actor_id?: string; note?: string }

export const prepareTicketRetryStepId = "iamport-paymentwall-prepare-ticket-retry"

/**
 * A person asks to send a ticket's cancel again: one whose request got no answer (they checked i'mport's console and
 * found no such request) or that i'mport refused. Only admin refunds: Medusa already booked the others.
 */
export const prepareTicketRetryStep = createStep(
  prepareTicketRetryStepId,
  async ({ ticket_id, actor_id }: TicketActionInput, { container }) => {
    const service = paymentwallModule(container)
    const ticket = await service.retrieveCancelTicket(ticket_id)
    if (ticket.origin !== "admin" || (ticket.status !== "requested" && ticket.status !== "failed")) {
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `Only an admin refund that got no answer from i'mport, or that i'mport refused, can be retried; this one is ${ticket.origin}, ${ticket.status}.`
      )
    }
    const state = await loadPaymentState(container, ticket.payment_id)
    const others = (await unbookedTicketsOf(container, ticket.payment_id)).filter((t) => t.id !== ticket.id)
    const available = refundableBalance(state, others)
    if (MathBN.gt(ticket.amount, available)) {
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `Cannot retry: ${formatAmount(ticket.amount)} is more than the ${formatAmount(available)} left to refund.`
      )
    }
    await service.updateCancelTickets({
      id: ticket.id,
      status: "requested",
      error: null,
      needs_attention: false,
      settled_at: null,
      metadata: { ...(ticket.metadata ?? {}), retried_by: actor_id ?? null, retried_at: new Date().toISOString() },
    })
    const plan: CancelRequestPlan = {
      payment_id: state.id,
      provider_id: state.provider_id,
      order_id: state.order_id,
      imp_uid: ticket.imp_uid,
      merchant_uid: ticket.merchant_uid,
      currency_code: ticket.currency_code,
      amount: Number(ticket.amount),
      reason: ticket.reason ?? "Refund requested in Medusa",
      note: ticket.note,
      refund_reason_id: ticket.refund_reason_id,
      created_by: ticket.requested_by,
    }
    return new StepResponse({ plan, ticket_id: ticket.id })
  }
)
