import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { cancelExtraAttemptWorkflow } from "../../../../../../workflows/extra-attempts/workflows/cancel-extra-attempt"
import type { AdminPaymentwallAttemptCancelType } from "../../../validators"

/**
 * POST /admin/iamport-paymentwall/attempts/:id/cancel — cancels a second paid attempt of an order at i'mport, in
 * full. No Medusa Refund is booked: Medusa never booked this payment.
 */
export async function POST(
  req: AuthenticatedMedusaRequest<AdminPaymentwallAttemptCancelType>,
  res: MedusaResponse
): Promise<void> {
  const { result } = await cancelExtraAttemptWorkflow(req.scope).run({
    input: { attempt_id: req.params.id, actor_id: req.auth_context.actor_id },
  })
  res.json({ extra_attempt: result })
}
