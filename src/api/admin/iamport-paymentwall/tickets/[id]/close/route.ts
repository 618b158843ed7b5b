import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { closeReturnedTicketWorkflow } from "../../../../../../workflows/refunds/workflows/close-returned-ticket"
import { throwIfRefused } from "../../../../../../workflows/refunds/utils/ticket-decision"
import type { AdminPaymentwallTicketActionType } from "../../../validators"

/** POST /admin/iamport-paymentwall/tickets/:id/close — a returned ticket Medusa can never book; `note` says why. */
export async function POST(
  req: AuthenticatedMedusaRequest<AdminPaymentwallTicketActionType>,
  res: MedusaResponse
): Promise<void> {
  const { result } = await closeReturnedTicketWorkflow(req.scope).run({
    input: { ticket_id: req.params.id, actor_id: req.auth_context.actor_id, note: req.validatedBody?.note },
  })
  // A refusal found after the settlement is the workflow's answer (what the settlement did stands): an error here.
  res.json({ cancel_ticket: throwIfRefused(result) })
}
