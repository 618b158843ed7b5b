import type { AdminOrder } from "@medusajs/framework/types"

const PROVIDER_PREFIX = "pp_iamport-paymentwall_"

/** While a ticket waits, the widgets poll the store (not i'mport) this often. */
export const POLL_MS = 5000

export function hasPaymentwallPayment(order: AdminOrder): boolean {
  return (order.payment_collections ?? []).some((c) =>
    (c.payments ?? []).some((p) => p.provider_id?.startsWith(PROVIDER_PREFIX))
  )
}
