import { generateEntityId } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { PaymentView } from "../../../lib/paymentwall/payment-view"
import type { MedusaContainer } from "@medusajs/framework/types"
import { pgConnection } from "../../../lib/pg-connection"
import { snapshotOfView } from "../../../lib/paymentwall/payment-data"

export const refreshSnapshotStepId = "iamport-paymentwall-refresh-snapshot"

/**
 * Keeps the settlement's look-up as i'mport's latest word on the payment, stamped with when the read began. Not
 * undone: it is what i'mport said then, and newer than what was kept, whatever the rest of the run does.
 */
export const refreshSnapshotStep = createStep(
  refreshSnapshotStepId,
  async (
    { payment_id, payment, read_at }: { payment_id: string; payment: PaymentView | null; read_at: string },
    { container }
  ) => {
    const refreshed = payment ? await refreshSnapshot(container, payment_id, payment, new Date(read_at)) : false
    return new StepResponse(refreshed)
  }
)

/**
 * Keeps i'mport's snapshot (which the widget shows and an admin refund sends from) as new as the plugin's latest
 * look-up, in the plugin's own table: one statement, which replaces only an older snapshot of the same i'mport
 * payment, so two settlements that finish out of order leave the newer read. The caller has checked that the i'mport
 * payment is this Medusa payment (prepareSettlement). Core's payment.data is never written here.
 */
export async function refreshSnapshot(
  container: MedusaContainer,
  paymentId: string,
  payment: PaymentView,
  readAt: Date
): Promise<boolean> {
  const snapshot = snapshotOfView(payment, readAt)
  const result = await pgConnection(container).raw(
    `insert into iamport_pw_payment_snapshot (id, payment_id, imp_uid, checked_at, snapshot)
     values (?, ?, ?, ?, ?::jsonb)
     on conflict (payment_id) where deleted_at is null do update
       set snapshot = excluded.snapshot, checked_at = excluded.checked_at, updated_at = now()
       where iamport_pw_payment_snapshot.imp_uid = excluded.imp_uid and iamport_pw_payment_snapshot.checked_at < excluded.checked_at`,
    [generateEntityId(undefined, "pwsn"), paymentId, payment.id, readAt.toISOString(), JSON.stringify(snapshot)]
  )
  return (result.rowCount ?? 0) > 0
}
