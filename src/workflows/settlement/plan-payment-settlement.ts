import type { MedusaContainer } from "@medusajs/framework/types"
import { keyedCancellations } from "../../lib/cancel-history"
import type { IamportPayment } from "../../lib/iamport/types"
import { planSettlement, planTicketOf, type PlanStep } from "../../lib/settlement-plan"
import { paymentwallModule } from "../../modules/iamport-paymentwall"
import { bookedKeys, ledgerOf } from "./ledger"
import { minusAmount } from "../../lib/money"

export type RejectionNotice = {
  received_at: string
  webhook_event_id: string
}

const DEFAULT_GRACE_MS = 60_000

/** What i'mport's cancel_history means for this payment's tickets now (lib/settlement-plan), read from the database. */
export async function planPaymentSettlement(
  container: MedusaContainer,
  input: { payment_id: string; iamport: IamportPayment; rejection_notice?: RejectionNotice; rejection_grace_ms?: number }
): Promise<PlanStep[]> {
  const tickets = await paymentwallModule(container).listCancelTickets({ payment_id: input.payment_id })
  const ledger = await ledgerOf(container, input.iamport.imp_uid)
  return planSettlement({
    history: keyedCancellations(input.iamport.cancel_history),
    tickets: tickets.map(planTicketOf),
    booked: bookedKeys(ledger),
    left: minusAmount(input.iamport.amount, input.iamport.cancel_amount).toFixed(),
    rejectionNotice: input.rejection_notice
      ? { received_at: new Date(input.rejection_notice.received_at), grace_ms: input.rejection_grace_ms ?? DEFAULT_GRACE_MS }
      : undefined,
  })
}
