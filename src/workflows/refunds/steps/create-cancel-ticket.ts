import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { CancelRequestPlan } from "./validate-cancel-request"
import { paymentwallModule } from "../../../modules/iamport-paymentwall"
import { ledgerOf } from "../../settlement/utils/ledger"

export const createCancelTicketStepId = "iamport-paymentwall-create-cancel-ticket"

/**
 * Saves the ticket as `requested` before i'mport hears of it, so a crash or a lost answer never leaves a cancel
 * that Medusa does not know about. No compensation: a failed request stays on record as failed. Every cancellation
 * known now (the snapshot's, the ledger's) existed before this request and can never be its own: kept from the
 * start, so a crash after i'mport's answer still keeps them from settling it.
 */
export const createCancelTicketStep = createStep(
  createCancelTicketStepId,
  async (plan: CancelRequestPlan, { container }) => {
    const ledger = await ledgerOf(container, plan.imp_uid)
    const historyBefore = [...new Set([...(plan.snapshot?.history_keys ?? []), ...ledger.keys()])]
    const ticket = await paymentwallModule(container).createCancelTickets({
      payment_id: plan.payment_id,
      provider_id: plan.provider_id,
      order_id: plan.order_id,
      imp_uid: plan.imp_uid,
      merchant_uid: plan.merchant_uid,
      amount: plan.amount,
      currency_code: plan.currency_code,
      origin: "admin",
      status: "requested",
      requested_by: plan.created_by,
      reason: plan.reason,
      refund_reason_id: plan.refund_reason_id,
      note: plan.note,
      requested_at: new Date(),
      metadata: { history_before: historyBefore },
    })
    return new StepResponse({ id: ticket.id })
  }
)
