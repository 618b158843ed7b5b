import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { IamportPayment } from "../../lib/iamport/types"
import { refreshSnapshot } from "../settlement/refresh-snapshot"

export const refreshSnapshotStepId = "iamport-paymentwall-refresh-snapshot"

/**
 * Writes the settlement's look-up into payment.data.iamport, stamped with when the read began. Not undone: it is
 * what i'mport said then, and newer than what was stored, whatever the rest of the run does. Skipped while another
 * run's booking may still be in flight: nothing but that booking writes the payment's data then.
 */
export const refreshSnapshotStep = createStep(
  refreshSnapshotStepId,
  async (
    { payment_id, iamport, read_at, booking_in_flight }: { payment_id: string; iamport: IamportPayment | null; read_at: string; booking_in_flight: boolean },
    { container }
  ) => {
    const refreshed = iamport && !booking_in_flight ? await refreshSnapshot(container, payment_id, iamport, new Date(read_at)) : false
    return new StepResponse(refreshed)
  }
)
