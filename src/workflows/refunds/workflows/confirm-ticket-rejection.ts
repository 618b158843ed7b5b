import { releasePaymentLockStep } from "../../common/steps/release-payment-lock"
import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { emitTicketEvents } from "../../settlement/utils/events"
import { checkRejectableTicketStep, confirmTicketRejectionStep } from "../steps/decide-suspected-rejection"
import type { TicketActionInput } from "../steps/prepare-ticket-retry"
import { lockTicketPayment, settleTicketPayment } from "../utils/compose"

export const confirmTicketRejectionWorkflowId = "iamport-paymentwall-confirm-ticket-rejection"

/**
 * A shop admin confirms Paymentwall rejected a ticket: the one path that frees a reserved amount. The payment is
 * settled first; if that shows the cancellation returned, the answer is `outcome: "refused"`, and what the
 * settlement did stands.
 */
export const confirmTicketRejectionWorkflow = createWorkflow(
  confirmTicketRejectionWorkflowId,
  (input: TicketActionInput) => {
    const lock = lockTicketPayment(input)
    const target = checkRejectableTicketStep(input)
    settleTicketPayment(target)
    const decided = confirmTicketRejectionStep(input)
    emitTicketEvents(
      transform({ decided }, ({ decided }) => decided.events),
      confirmTicketRejectionWorkflowId
    )
    releasePaymentLockStep(lock)
    return new WorkflowResponse(transform({ decided }, ({ decided }) => decided.decision))
  }
)
