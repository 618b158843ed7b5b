import type { MedusaContainer } from "@medusajs/framework/types"
import { MathBN } from "@medusajs/framework/utils"
import {
  type CancelTicket,
  OPEN_TICKET_STATUSES,
  paymentwallModule,
  reservedTotal,
} from "../../../modules/iamport-paymentwall"
import type { PaymentState } from "./payment-state"

/**
 * Tickets whose money Medusa has not booked (an optimistic Refund is already in `refunded`): open ones, and ones a
 * person closed by hand (i'mport returned that money, and Medusa never books it, so `refunded` never will hold it).
 */
export function unbookedTicketsOf(container: MedusaContainer, paymentId: string): Promise<CancelTicket[]> {
  return paymentwallModule(container).listCancelTickets({
    payment_id: paymentId,
    status: [...OPEN_TICKET_STATUSES, "closed"],
    refund_id: null,
  })
}

/** What may still be asked back: captured − refunded − what unbooked tickets ask for or closed. */
export function refundableBalance(
  state: Pick<PaymentState, "captured" | "refunded">,
  openRequests: CancelTicket[]
): ReturnType<typeof MathBN.convert> {
  return MathBN.convert(MathBN.sub(MathBN.sub(state.captured, state.refunded), reservedTotal(openRequests)))
}
