import { releasePaymentLockStep } from "../../common/steps/release-payment-lock"
import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { settlePaymentWorkflow } from "../../settlement/workflows/settle-payment"
import { bindSuspectedApprovalStep } from "../steps/bind-suspected-approval"
import type { TicketActionInput } from "../steps/prepare-ticket-retry"
import { retrieveCancelTicketStep } from "../steps/retrieve-cancel-ticket"
import { lockTicketPayment } from "../utils/compose"

export const bindSuspectedApprovalWorkflowId = "iamport-paymentwall-bind-suspected-approval"

/** A shop admin says a cancellation i'mport shows with another reason is Paymentwall's approval of this ticket. */
export const bindSuspectedApprovalWorkflow = createWorkflow(
  bindSuspectedApprovalWorkflowId,
  (input: TicketActionInput) => {
    const lock = lockTicketPayment(input)
    const bound = bindSuspectedApprovalStep(input)
    // Settled from the read the binding checked, so the entry it bound is the one booked.
    settlePaymentWorkflow.runAsStep({
      input: transform({ bound }, ({ bound }) => ({
        payment_id: bound.payment_id,
        provider_id: bound.provider_id,
        imp_uid: bound.imp_uid,
        payment: bound.payment,
        read_at: bound.read_at,
      })),
    })
    const ticket = retrieveCancelTicketStep(bound)
    releasePaymentLockStep(lock)
    return new WorkflowResponse(ticket)
  }
)
