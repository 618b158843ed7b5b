import type { IEventBusModuleService, MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import type { CancelTicket } from "../../modules/iamport-paymentwall"
import type { PaymentState } from "./payment-state"

export const TICKET_REJECTED_EVENT = "iamport_paymentwall.cancel_ticket.rejected"
export const TICKET_ATTENTION_EVENT = "iamport_paymentwall.cancel_ticket.needs_attention"
export const TICKET_REJECTION_SUSPECTED_EVENT = "iamport_paymentwall.cancel_ticket.rejection_suspected"

/** A ticket event for subscribers (notifications, ERP); the payload names no secret and no buyer. */
export async function emitTicketEvent(container: MedusaContainer, name: string, ticket: CancelTicket, state: PaymentState): Promise<void> {
  await container.resolve<IEventBusModuleService>(Modules.EVENT_BUS).emit({
    name,
    data: { id: ticket.id, payment_id: state.id, order_id: state.order_id, amount: ticket.amount, currency_code: ticket.currency_code },
  })
}
