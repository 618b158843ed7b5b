import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { PaymentView } from "../../../lib/paymentwall/payment-view"
import { minusAmount } from "../../../lib/money"
import { planSettlement, planTicketOf, type PlanStep } from "../../../lib/paymentwall/settlement-plan"
import { paymentwallModule } from "../../../modules/iamport-paymentwall"
import { bookedKeys, ledgerOf, withLedgerNames } from "../utils/ledger"

export const planSettlementStepId = "iamport-paymentwall-plan-settlement"

export type PlanSettlementInput = {
  payment_id: string
  payment: PaymentView | null
  rejection_notice?: { received_at: string; webhook_event_id: string }
  rejection_grace_ms?: number
}

const DEFAULT_GRACE_MS = 60_000

/**
 * Reads the payment's tickets and ledger and plans what i'mport's cancellations mean for them (the pure planner
 * in lib/settlement-plan). Writes nothing.
 */
export const planSettlementStep = createStep(
  planSettlementStepId,
  async (input: PlanSettlementInput, { container }) => {
    const { payment } = input
    if (!payment) {
      return new StepResponse<PlanStep[]>([])
    }
    const tickets = await paymentwallModule(container).listCancelTickets({ payment_id: input.payment_id })
    const ledger = await ledgerOf(container, payment.id)
    const plan = planSettlement({
      history: withLedgerNames(payment.cancellations, ledger),
      tickets: tickets.map(planTicketOf),
      booked: bookedKeys(ledger),
      left: minusAmount(payment.amount, payment.cancelled_amount).toFixed(),
      rejectionNotice: input.rejection_notice
        ? {
            received_at: new Date(input.rejection_notice.received_at),
            grace_ms: input.rejection_grace_ms ?? DEFAULT_GRACE_MS,
          }
        : undefined,
    })
    return new StepResponse<PlanStep[]>(plan)
  }
)
