import { transform, when, type WorkflowData } from "@medusajs/framework/workflows-sdk"
import { settlePaymentWorkflow } from "./settle-payment"
import type { SentCancelRequest } from "./steps/send-cancel-request"
import type { CancelRequestPlan } from "./steps/validate-cancel-request"

/**
 * Composed after sendCancelRequestStep: a cancel i'mport settled in its answer, or an answer showing cancellations
 * Medusa has not booked, is settled in the same request from that answer, by the one settlement.
 */
export function settleAfterSend(plan: WorkflowData<CancelRequestPlan>, sent: WorkflowData<SentCancelRequest>): void {
  when("settle-after-send", { sent }, ({ sent }) => !!sent.settle_from).then(() => {
    settlePaymentWorkflow.runAsStep({
      input: transform({ plan, sent }, ({ plan, sent }) => ({
        payment_id: plan.payment_id,
        provider_id: plan.provider_id,
        imp_uid: plan.imp_uid,
        iamport: sent.settle_from ?? undefined,
        read_at: sent.read_at,
      })),
    })
  })
}
