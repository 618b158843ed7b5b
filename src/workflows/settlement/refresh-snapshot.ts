import type { IPaymentModuleService, MedusaContainer, UpdatePaymentDTO } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import type { IamportPayment } from "../../lib/iamport/types"
import { type IamportSnapshot, snapshotOf } from "../../providers/iamport-paymentwall/payment-data"

/**
 * Keeps payment.data.iamport (i'mport's last word, which the widget shows and an admin refund sends from) as
 * new as the plugin's latest look-up. Runs under the payment's lock, after the booking, on freshly read data, and
 * touches only the snapshot: a snapshot older than the stored one is never written over it.
 */
export async function refreshSnapshot(container: MedusaContainer, paymentId: string, iamport: IamportPayment, readAt: Date): Promise<boolean> {
  const payments = container.resolve<IPaymentModuleService>(Modules.PAYMENT)
  const [payment] = await payments.listPayments({ id: paymentId }, { select: ["id", "data"] })
  const data = (payment?.data ?? null) as Record<string, unknown> | null
  if (!data || (typeof data.imp_uid === "string" && data.imp_uid !== iamport.imp_uid)) {
    return false
  }
  const stored = data.iamport as IamportSnapshot | null | undefined
  if (stored?.checked_at && Date.parse(stored.checked_at) >= readAt.getTime()) {
    return false
  }
  // UpdatePaymentDTO is typed without `data`, which the module accepts at runtime.
  await payments.updatePayment({ id: paymentId, data: { ...data, iamport: snapshotOf(iamport, readAt) } } as unknown as UpdatePaymentDTO)
  return true
}
