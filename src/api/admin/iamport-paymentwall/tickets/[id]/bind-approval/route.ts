import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { bindSuspectedApprovalWorkflow } from "../../../../../../workflows/refunds/workflows/bind-suspected-approval"
import type { AdminPaymentwallTicketActionType } from "../../../validators"

/**
 * POST /admin/iamport-paymentwall/tickets/:id/bind-approval — a shop admin says the cancellation i'mport shows with
 * another reason is Paymentwall's approval of this ticket: it is booked to the ticket, with its note.
 */
export async function POST(
  req: AuthenticatedMedusaRequest<AdminPaymentwallTicketActionType>,
  res: MedusaResponse
): Promise<void> {
  const { result } = await bindSuspectedApprovalWorkflow(req.scope).run({
    input: { ticket_id: req.params.id, actor_id: req.auth_context.actor_id, note: req.validatedBody?.note },
  })
  res.json({ cancel_ticket: result })
}
