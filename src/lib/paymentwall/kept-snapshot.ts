import type { MedusaContainer } from "@medusajs/framework/types"
import { paymentwallModule } from "../../modules/iamport-paymentwall"
import type { IamportSnapshot } from "./payment-data"

/**
 * i'mport's latest word on each payment the plugin knows: the newer of its own table's snapshot (the settlements'
 * look-ups) and the one in payment.data from capture, which the provider returned to Medusa. A snapshot of another
 * i'mport payment than the data names is never taken.
 */
export async function keptSnapshots(
  container: MedusaContainer,
  payments: readonly { id: string; data?: Record<string, unknown> | null }[]
): Promise<Map<string, IamportSnapshot | null>> {
  const rows = payments.length
    ? await paymentwallModule(container).listPaymentSnapshots(
        { payment_id: payments.map((p) => p.id) },
        { select: ["payment_id", "imp_uid", "snapshot"] }
      )
    : []
  const kept = new Map<string, IamportSnapshot | null>()
  for (const payment of payments) {
    const fromCapture = (payment.data?.iamport as IamportSnapshot | null | undefined) ?? null
    const impUid = typeof payment.data?.imp_uid === "string" ? payment.data.imp_uid : null
    const row = rows.find((r) => r.payment_id === payment.id && (!impUid || r.imp_uid === impUid))
    kept.set(payment.id, newer(row ? (row.snapshot as unknown as IamportSnapshot) : null, fromCapture))
  }
  return kept
}

function newer(a: IamportSnapshot | null, b: IamportSnapshot | null): IamportSnapshot | null {
  if (!a || !b) {
    return a ?? b
  }
  return Date.parse(a.checked_at) >= Date.parse(b.checked_at) ? a : b
}
