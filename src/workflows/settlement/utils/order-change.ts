import type { IOrderModuleService, MedusaContainer } from "@medusajs/framework/types"
import { Modules, OrderChangeStatus } from "@medusajs/framework/utils"

/**
 * Medusa's reason to refuse a refund's credit line on this order now: an open order edit, return, claim or
 * exchange (an order change pending or requested). Null when there is none.
 */
export async function activeOrderChangeReason(container: MedusaContainer, orderId: string): Promise<string | null> {
  const orders = container.resolve<IOrderModuleService>(Modules.ORDER)
  const active = await orders.listOrderChanges(
    { order_id: orderId, status: [OrderChangeStatus.PENDING, OrderChangeStatus.REQUESTED] },
    { select: ["id", "change_type"], take: 1 }
  )
  // Medusa's own words (order module, createOrderChange), so the admin reads one reason whichever way it was met.
  return active.length ? `Order (${orderId}) already has an existing active order change` : null
}
