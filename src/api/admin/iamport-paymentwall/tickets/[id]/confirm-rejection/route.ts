import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { confirmTicketRejectionWorkflow } from "../../../../../../workflows/refunds/workflows/confirm-ticket-rejection"
import { throwIfRefused } from "../../../../../../workflows/refunds/utils/ticket-decision"
import type { AdminPaymentwallTicketActionType } from "../../../validators"

/**
 * POST /admin/iamport-paymentwall/tickets/:id/confirm-rejection — a shop admin saw in Paymentwall's merchant area
 * that the ticket was rejected. Frees the reserved amount (reversing an optimistic refund) and records who decided.
 */
export async function POST(
  req: AuthenticatedMedusaRequest<AdminPaymentwallTicketActionType>,
  res: MedusaResponse
): Promise<void> {
  const { result } = await confirmTicketRejectionWorkflow(req.scope).run({
    input: { ticket_id: req.params.id, actor_id: req.auth_context.actor_id, note: req.validatedBody?.note },
  })
  // A refusal found after the settlement is the workflow's answer (what the settlement did stands): an error here.
  res.json({ cancel_ticket: throwIfRefused(result) })
}
