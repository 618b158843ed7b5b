import type { MedusaContainer } from "@medusajs/framework/types"
import type { IamportPayment } from "../../lib/iamport/types"
import { pgConnection } from "../../lib/pg-connection"
import { snapshotOf } from "../../providers/iamport-paymentwall/payment-data"

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
