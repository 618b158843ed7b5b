import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { IamportPayment } from "../../lib/iamport/types"
import { type PreparedSettlement, prepareSettlement } from "../settlement/prepare-settlement"

export const prepareSettlementStepId = "iamport-paymentwall-prepare-settlement"

/**
 * Checks i'mport's payment is this one, repairs what an interrupted run left and adopts Refunds Medusa booked
 * itself. No compensation: each repair moves Medusa towards what i'mport and the ledger already say.
 */
export const prepareSettlementStep = createStep(
  prepareSettlementStepId,
  async ({ payment_id, iamport }: { payment_id: string; iamport: IamportPayment | null }, { container }) => {
    if (!iamport) {
      return new StepResponse<PreparedSettlement>({ booking_in_flight: false })
    }
    return new StepResponse(await prepareSettlement(container, payment_id, iamport))
  }
)
