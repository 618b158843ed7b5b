import type {
  AuthenticatedMedusaRequest,
  MedusaNextFunction,
  MedusaRequest,
  MedusaResponse,
} from "@medusajs/framework/http"
import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { isPaymentwallProviderId } from "../../../lib/paymentwall/provider-id"
import { requestCancelTicketWorkflow } from "../../../workflows/refunds/workflows/request-cancel-ticket"

type RefundBody = { amount?: number; note?: string; refund_reason_id?: string }

/**
 * Takes over Medusa's own `POST /admin/payments/:id/refund` for Paymentwall payments. In @medusajs/framework 2.21
 * a plugin's middleware for a core route runs after the core's validators and before the core's handler (routes are
 * sorted after all middlewares; integration-tests/http/refunds.spec.ts pins it). Answering here means the core
 * handler never books a Refund: the refund becomes a cancel ticket, booked when i'mport confirms it.
 * Payments of other providers go on to the core handler untouched.
 */
export async function refundAsCancelTicket(
  request: MedusaRequest,
  res: MedusaResponse,
  next: MedusaNextFunction
): Promise<void> {
  // Mounted under /admin, where Medusa's authentication has run.
  const req = request as AuthenticatedMedusaRequest<RefundBody>
  try {
    const query = req.scope.resolve(ContainerRegistrationKeys.QUERY)
    const { data } = await query.graph({
      entity: "payment",
      fields: ["id", "provider_id"],
      filters: { id: req.params.id },
    })
    const payment = data[0] as { id: string; provider_id: string } | undefined
    if (!payment || !isPaymentwallProviderId(payment.provider_id)) {
      return next()
    }
    const body = refundBody(req)
    const { result: ticket } = await requestCancelTicketWorkflow(req.scope).run({
      input: { payment_id: payment.id, ...body, created_by: req.auth_context?.actor_id },
    })
    const fields = req.queryConfig?.fields?.length
      ? req.queryConfig.fields
      : ["id", "amount", "currency_code", "refunds.*"]
    const { data: refetched } = await query.graph({ entity: "payment", fields, filters: { id: payment.id } })
    res.status(200).json({ payment: refetched[0] as Record<string, unknown> | undefined, cancel_ticket: ticket })
  } catch (error) {
    next(error)
  }
}

/** The core validator has run (validatedBody); check again in case a store reorders its middlewares. */
function refundBody(req: AuthenticatedMedusaRequest<RefundBody>): RefundBody {
  const body = (req.validatedBody ?? req.body ?? {}) as Record<string, unknown>
  const amount = body.amount
  if (amount !== undefined && (typeof amount !== "number" || !Number.isFinite(amount) || amount <= 0)) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, "amount must be a positive number")
  }
  for (const key of ["note", "refund_reason_id"] as const) {
    if (body[key] !== undefined && body[key] !== null && typeof body[key] !== "string") {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, `${key} must be a string`)
    }
  }
  return {
    amount,
    note: (body.note as string | null | undefined) ?? undefined,
    refund_reason_id: (body.refund_reason_id as string | null | undefined) ?? undefined,
  }
}
