import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { IamportPayment } from "../../lib/iamport/types"
import { refreshSnapshot } from "../settlement/refresh-snapshot"

export const refreshSnapshotStepId = "iamport-paymentwall-refresh-snapshot"

/**
 * Writes the settlement's look-up into payment.data.iamport, stamped with when the read began. Not undone: it is
 * what i'mport said then, and newer than what was stored, whatever the rest of the run does.
 */
export const refreshSnapshotStep = createStep(
  refreshSnapshotStepId,
  async ({ payment_id, iamport, read_at }: { payment_id: string; iamport: IamportPayment | null; read_at: string }, { container }) => {
    const refreshed = iamport ? await refreshSnapshot(container, payment_id, iamport, new Date(read_at)) : false
    return new StepResponse(refreshed)
  }
)
