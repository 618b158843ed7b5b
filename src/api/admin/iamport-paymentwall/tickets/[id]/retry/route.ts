import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { retryCancelTicketWorkflow } from "../../../../../../workflows/refunds/workflows/retry-cancel-ticket"
import type { AdminPaymentwallTicketActionType } from "../../../validators"

/** POST /admin/iamport-paymentwall/tickets/:id/retry — send an unanswered or refused admin refund's cancel again. */
export async function POST(
  req: AuthenticatedMedusaRequest<AdminPaymentwallTicketActionType>,
  res: MedusaResponse
): Promise<void> {
  const { result } = await retryCancelTicketWorkflow(req.scope).run({
    input: { ticket_id: req.params.id, actor_id: req.auth_context.actor_id },
  })
  res.json({ cancel_ticket: result })
}
