import type { WorkflowData } from "@medusajs/framework/workflows-sdk"
import { transform } from "@medusajs/framework/workflows-sdk"
import { emitEventStep } from "@medusajs/medusa/core-flows"
import type { CancelTicket } from "../../../modules/iamport-paymentwall"
import type { PaymentState } from "./payment-state"

export const TICKET_REJECTED_EVENT = "iamport_paymentwall.cancel_ticket.rejected"
export const TICKET_ATTENTION_EVENT = "iamport_paymentwall.cancel_ticket.needs_attention"
export const TICKET_REJECTION_SUSPECTED_EVENT = "iamport_paymentwall.cancel_ticket.rejection_suspected"

const TICKET_EVENTS = [TICKET_REJECTED_EVENT, TICKET_ATTENTION_EVENT, TICKET_REJECTION_SUSPECTED_EVENT] as const

/** The payload names no secret and no buyer. */
export type TicketEventData = {
  id: string
  payment_id: string
  order_id: string | null
  amount: unknown
  currency_code: string
}
export type TicketEvent = { name: (typeof TICKET_EVENTS)[number]; data: TicketEventData }

/** A ticket event for subscribers (notifications, ERP), collected by the settlement and emitted by its workflow. */
export function ticketEvent(
  name: TicketEvent["name"],
  ticket: CancelTicket,
  state: Pick<PaymentState, "id" | "order_id">
): TicketEvent {
  return {
    name,
    data: {
      id: ticket.id,
      payment_id: state.id,
      order_id: state.order_id,
      amount: ticket.amount,
      currency_code: ticket.currency_code,
    },
  }
}

/**
 * Emits the ticket events a workflow collected, through Medusa's emitEventStep: they reach subscribers only once
 * the workflow has succeeded. One step per event name, composed into the calling workflow.
 */
export function emitTicketEvents(events: WorkflowData<TicketEvent[]>, workflow: string): void {
  for (const name of TICKET_EVENTS) {
    const data = transform({ events }, ({ events }) => events.filter((e) => e.name === name).map((e) => e.data))
    // Medusa joins step names into dotted paths, so the event name's dots must not reach the step's name.
    emitEventStep({ eventName: name, data }).config({ name: `${workflow}-emit-${name.replace(/\./g, "-")}` })
  }
}
