import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { keepTicketWaitingWorkflow } from "../../../../../../workflows/refunds/workflows/keep-ticket-waiting"
import type { AdminPaymentwallTicketActionType } from "../../../validators"

/** POST /admin/iamport-paymentwall/tickets/:id/keep-waiting — the ticket is still open at Paymentwall: clear the suspicion. */
export async function POST(
  req: AuthenticatedMedusaRequest<AdminPaymentwallTicketActionType>,
  res: MedusaResponse
): Promise<void> {
  const { result } = await keepTicketWaitingWorkflow(req.scope).run({
    input: { ticket_id: req.params.id, actor_id: req.auth_context.actor_id, note: req.validatedBody?.note },
  })
  res.json({ cancel_ticket: result })
}
