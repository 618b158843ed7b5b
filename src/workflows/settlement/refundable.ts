import type { MedusaContainer } from "@medusajs/framework/types"
import { MathBN } from "@medusajs/framework/utils"
import { type CancelTicket, OPEN_TICKET_STATUSES, paymentwallModule, reservedTotal } from "../../modules/iamport-paymentwall"
import type { PaymentState } from "./payment-state"

/** Open tickets whose money Medusa has not booked yet (an optimistic Refund is already in `refunded`). */
export function openRequestsOf(container: MedusaContainer, paymentId: string): Promise<CancelTicket[]> {
  return paymentwallModule(container).listCancelTickets({ payment_id: paymentId, status: [...OPEN_TICKET_STATUSES], refund_id: null })
}

/** What may still be asked back: captured − refunded − what the open requests ask for. */
export function refundableBalance(state: Pick<PaymentState, "captured" | "refunded">, openRequests: CancelTicket[]): ReturnType<typeof MathBN.convert> {
  return MathBN.convert(MathBN.sub(MathBN.sub(state.captured, state.refunded), reservedTotal(openRequests)))
}
