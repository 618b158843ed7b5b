import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { IamportPayment } from "../../lib/iamport/types"
import type { PlanStep } from "../../lib/settlement-plan"
import { planPaymentSettlement, type RejectionNotice } from "../settlement/plan-payment-settlement"

export const planSettlementStepId = "iamport-paymentwall-plan-settlement"

export type PlanSettlementInput = {
  payment_id: string
  iamport: IamportPayment | null
  rejection_notice?: RejectionNotice
  rejection_grace_ms?: number
}

/** Reads the payment's tickets and ledger and plans what i'mport's cancel_history means for them. Writes nothing. */
export const planSettlementStep = createStep(planSettlementStepId, async (input: PlanSettlementInput, { container }) => {
  const { iamport } = input
  return new StepResponse<PlanStep[]>(iamport ? await planPaymentSettlement(container, { ...input, iamport }) : [])
})
