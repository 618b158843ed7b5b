import { transform, when, type WorkflowData } from "@medusajs/framework/workflows-sdk"
import { acquirePaymentLockStep } from "../../common/steps/acquire-payment-lock"
import { paymentLockStep } from "../../common/steps/payment-lock"
import { settlePaymentWorkflow } from "../../settlement/workflows/settle-payment"
import type { TicketActionInput } from "../steps/prepare-ticket-retry"
import type { SentCancelRequest } from "../steps/send-cancel-request"
import type { CancelRequestPlan } from "../steps/validate-cancel-request"
import type { TicketToSettle } from "./ticket-decision"

/** Every ticket action takes the same per-payment lock as every other ticket change. */
export function lockTicketPayment(input: TicketActionInput) {
  const lock = paymentLockStep(transform({ input }, ({ input }) => ({ ticket_id: input.ticket_id })))
  acquirePaymentLockStep(lock)
  return lock
}

/** The one settlement, composed into a ticket action before it decides (the caller holds the lock). */
export function settleTicketPayment(target: WorkflowData<TicketToSettle & { payment?: unknown }>) {
  return settlePaymentWorkflow.runAsStep({
    input: transform({ target }, ({ target }) => ({
      payment_id: target.payment_id,
      provider_id: target.provider_id,
      imp_uid: target.imp_uid,
    })),
  })
}

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
        payment: sent.settle_from ?? undefined,
        read_at: sent.read_at,
      })),
    })
  })
}
