import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { paymentwallOrderView } from "../../order-view"
import { AdminPaymentwallOrderQuery } from "../../validators"

/** GET /admin/iamport-paymentwall/orders/:id — the order's Paymentwall payments and cancel tickets. */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const parsed = AdminPaymentwallOrderQuery.safeParse(req.query)
  if (!parsed.success) {
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      `Invalid query: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`
    )
  }
  const payments = await paymentwallOrderView(req.scope, req.params.id, parsed.data.live ?? false)
  res.json({ order_id: req.params.id, payments })
}
