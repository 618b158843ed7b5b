import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { IamportPayment } from "../../../lib/iamport/types"
import type { MedusaContainer } from "@medusajs/framework/types"
import { pgConnection } from "../../../lib/pg-connection"
import { snapshotOf } from "../../../lib/paymentwall/payment-data"

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

/**
 * Keeps payment.data.iamport (i'mport's last word, which the widget shows and an admin refund sends from) as new
 * as the plugin's latest look-up. One statement that sets only that key, and only over an older snapshot of the same
 * i'mport payment: the payment module's update would write back a whole copy of `data` read earlier, and so undo a
 * concurrent writer (a booking's record-only marker being cleared, a cancel_requests record being added). ISO
 * timestamps in UTC compare as text. Medusa's `payment` table and its jsonb `data` column are core's, stable in v2.
 */
export async function refreshSnapshot(container: MedusaContainer, paymentId: string, iamport: IamportPayment, readAt: Date): Promise<boolean> {
  const snapshot = snapshotOf(iamport, readAt)
  const result = await pgConnection(container).raw(
    `update "payment" set "data" = jsonb_set("data", '{iamport}', ?::jsonb, true), "updated_at" = now()
      where "id" = ? and "deleted_at" is null and jsonb_typeof("data") = 'object'
        and coalesce("data"->>'imp_uid', ?) = ?
        and coalesce("data"->'iamport'->>'checked_at', '') < ?`,
    [JSON.stringify(snapshot), paymentId, iamport.imp_uid, iamport.imp_uid, snapshot.checked_at]
  )
  return (result.rowCount ?? 0) > 0
}
