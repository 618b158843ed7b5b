import { MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { isBooked } from "../../../lib/paymentwall/cancellation"
import { succeeded } from "../../../lib/paymentwall/cancellation"
import type { PaymentView } from "../../../lib/paymentwall/payment-view"
import { approvalCandidateOf } from "../../../lib/paymentwall/settlement-plan"
import { paymentwallModule } from "../../../modules/iamport-paymentwall"
import { paymentwallProvider } from "../../../providers/iamport-paymentwall/registered-provider"
import { bookedKeys, ledgerOf } from "../../settlement/utils/ledger"
import type { TicketActionInput } from "./prepare-ticket-retry"
import { type TicketToSettle, ticketToSettle } from "../utils/ticket-decision"

export const bindSuspectedApprovalStepId = "iamport-paymentwall-bind-suspected-approval"

/**
 * A shop admin says the cancellation i'mport shows with another reason is Paymentwall's approval of this ticket:
 * after a fresh look at i'mport that must still show it unbooked, the ticket is bound to it, with who said so and
 * when. The settlement that follows in the same flow books it with the ticket's note and reason.
 */
export const bindSuspectedApprovalStep = createStep(
  bindSuspectedApprovalStepId,
  async ({ ticket_id, actor_id, note }: TicketActionInput, { container }) => {
    const service = paymentwallModule(container)
    const ticket = await service.retrieveCancelTicket(ticket_id)
    const candidate = approvalCandidateOf(ticket.metadata)
    if (!candidate || (ticket.status !== "waiting_for_cancellation" && ticket.status !== "requested")) {
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `Ticket ${ticket.id} has no cancellation at i'mport that may be its approval (it is ${ticket.status}).`
      )
    }
    const readAt = new Date()
    const payment = await paymentwallProvider(container, ticket.provider_id).readPayment(ticket.imp_uid)
    const entry = succeeded(payment.cancellations).find((e) => e.knownAs.includes(candidate.key))
    if (!entry) {
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `i'mport no longer shows the cancellation ${candidate.key} of this payment.`
      )
    }
    if (isBooked(entry, bookedKeys(await ledgerOf(container, ticket.imp_uid)))) {
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `i'mport's cancellation ${entry.key} is booked already, so it cannot be this ticket's approval as well.`
      )
    }
    const { approval_candidate: _done, ...metadata } = (ticket.metadata ?? {}) as Record<string, unknown>
    await service.updateCancelTickets({
      id: ticket.id,
      cancellation_id: entry.key,
      needs_attention: false,
      error: null,
      decided_by: actor_id ?? null,
      decided_at: readAt,
      metadata: {
        ...metadata,
        // Medusa's update merges metadata: "" is what removes a key.
        approval_candidate: "",
        matched_by: "person",
        bound_entry_reason: entry.reason ?? null,
        ...(note ? { decision_note: note } : {}),
      },
    })
    return new StepResponse<TicketToSettle & { payment: PaymentView; read_at: string }>({
      ...ticketToSettle(ticket),
      payment,
      read_at: readAt.toISOString(),
    })
  }
)
