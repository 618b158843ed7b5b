import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { dismissCancelTicketWorkflow } from "../../../../../../workflows/refunds/workflows/dismiss-cancel-ticket"
import type { AdminPaymentwallTicketActionType } from "../../../validators"

/** POST /admin/iamport-paymentwall/tickets/:id/dismiss — a person has dealt with a ticket that needed attention. */
export async function POST(
  req: AuthenticatedMedusaRequest<AdminPaymentwallTicketActionType>,
  res: MedusaResponse
): Promise<void> {
  const { result } = await dismissCancelTicketWorkflow(req.scope).run({
    input: { ticket_id: req.params.id, actor_id: req.auth_context.actor_id },
  })
  res.json({ cancel_ticket: result })
}
