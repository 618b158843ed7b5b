import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { isPaymentwallProviderId } from "../../../../../../lib/paymentwall/provider-id"
import { settleCancellationsWorkflow } from "../../../../../../workflows/settlement/workflows/settle-cancellations"

/**
 * POST /admin/iamport-paymentwall/payments/:id/settle — the widget's "Check with i'mport now": the settlement a
 * notice starts, for one payment and under its lock (look it up, book what i'mport shows, track the refunds Medusa
 * recorded through the provider), answered with i'mport's current view.
 */
export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse): Promise<void> {
  const query = req.scope.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "payment",
    fields: ["id", "provider_id", "data"],
    filters: { id: req.params.id },
  })
  const payment = data[0] as { id: string; provider_id: string; data: { imp_uid?: string } | null } | undefined
  if (!payment || !isPaymentwallProviderId(payment.provider_id)) {
    throw new MedusaError(
      MedusaError.Types.NOT_FOUND,
      `Payment ${req.params.id} is not an iamport-paymentwall payment.`
    )
  }
  const impUid = payment.data?.imp_uid
  if (!impUid) {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Payment ${payment.id} has no i'mport payment yet.`)
  }
  const { result } = await settleCancellationsWorkflow(req.scope).run({
    input: { payment_id: payment.id, provider_id: payment.provider_id, imp_uid: impUid },
  })
  res.json({ payment_id: payment.id, ...result })
}
