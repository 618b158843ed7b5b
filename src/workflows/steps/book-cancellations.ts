import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { IamportPayment } from "../../lib/iamport/types"
import type { PlanStep } from "../../lib/settlement-plan"
import { type BookedCancellations, bookPlannedCancellations } from "../settlement/book-planned-cancellations"

export const bookCancellationsStepId = "iamport-paymentwall-book-cancellations"

/**
 * Books each cancellation i'mport shows returned as one Medusa Refund, exactly once (the ledger's claim), through
 * Medusa's refundPaymentWorkflow. No compensation, deliberately: the money is back with the buyer, and undoing the
 * booking because a later step failed would make Medusa disagree with i'mport until the next run booked it again.
 * Null when it booked nothing because another process may still be booking.
 */
export const bookCancellationsStep = createStep(
  bookCancellationsStepId,
  async (
    input: { payment_id: string; iamport: IamportPayment | null; plan: PlanStep[]; booking_in_flight: boolean },
    { container }
  ) => {
    if (!input.iamport || input.booking_in_flight) {
      return new StepResponse<BookedCancellations | null>(null)
    }
    return new StepResponse<BookedCancellations | null>(await bookPlannedCancellations(container, input.payment_id, input.iamport, input.plan))
  }
)
