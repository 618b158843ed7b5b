import { keptSnapshots } from "../../../lib/paymentwall/kept-snapshot"
import { ContainerRegistrationKeys, MathBN, MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { formatAmount, toIamportAmount } from "../../../lib/money"
import type { IamportSnapshot } from "../../../lib/paymentwall/payment-data"
import { isPaymentwallProviderId } from "../../../lib/paymentwall/provider-id"
import { loadPaymentState } from "../../settlement/utils/payment-state"
import { reservedTotal } from "../../../modules/iamport-paymentwall"
import { unbookedTicketsOf, refundableBalance } from "../../settlement/utils/refundable"

export type CancelRequestInput = {
  payment_id: string
  /** Major units; the whole refundable balance when absent. */
  amount?: number
  note?: string
  refund_reason_id?: string
  created_by?: string
}

export type CancelRequestPlan = {
  payment_id: string
  provider_id: string
  order_id: string | null
  imp_uid: string
  merchant_uid: string
  currency_code: string
  amount: number
  reason: string
  note: string | null
  refund_reason_id: string | null
  created_by: string | null
  /** i'mport's payment as the payment's data last kept it: a new request is sent from it (one i'mport call). */
  snapshot?: IamportSnapshot | null
}

export const validateCancelRequestStepId = "iamport-paymentwall-validate-cancel-request"

/**
 * What may be refunded: captured − refunded − tickets still waiting. A ticket whose request got no answer blocks
 * new ones: i'mport may have accepted it, and a second request could cancel twice.
 */
export const validateCancelRequestStep = createStep(
  validateCancelRequestStepId,
  async (input: CancelRequestInput, { container }) => {
    const state = await loadPaymentState(container, input.payment_id)
    if (!isPaymentwallProviderId(state.provider_id)) {
      throw new MedusaError(
        MedusaError.Types.INVALID_DATA,
        `Payment ${state.id} is not an iamport-paymentwall payment.`
      )
    }
    const impUid = state.data.imp_uid
    if (!impUid || !MathBN.gt(state.captured, 0) || state.canceled_at) {
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `Payment ${state.id} has no captured i'mport payment to refund.`
      )
    }
    const tickets = await unbookedTicketsOf(container, state.id)
    const unanswered = tickets.find((t) => t.status === "requested")
    if (unanswered) {
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `An earlier cancel request of ${formatAmount(unanswered.amount)} ${state.currency_code.toUpperCase()} for this payment got no answer from i'mport, so it may have been accepted. ` +
          `Check the payment's in-progress cancel requests in the i'mport console, then retry or dismiss that request before refunding again.`
      )
    }
    const waiting = reservedTotal(tickets.filter((t) => t.status !== "closed"))
    const closed = reservedTotal(tickets.filter((t) => t.status === "closed"))
    const available = refundableBalance(state, tickets)
    const requested = input.amount ?? available.toNumber()
    const amount = toIamportAmount(requested, state.currency_code)
    if (MathBN.gt(amount, available)) {
      throw new MedusaError(
        MedusaError.Types.INVALID_DATA,
        `Cannot refund ${formatAmount(amount)} ${state.currency_code.toUpperCase()}: captured ${formatAmount(state.captured)}, refunded ${formatAmount(state.refunded)}, ` +
          `waiting for Paymentwall ${formatAmount(waiting)}${MathBN.gt(closed, 0) ? `, returned and closed by hand ${formatAmount(closed)}` : ""}, leaves ${formatAmount(available)}.`
      )
    }
    const reason =
      input.note?.trim() || (await refundReasonLabel(container, input.refund_reason_id)) || "Refund requested in Medusa"
    const plan: CancelRequestPlan = {
      payment_id: state.id,
      provider_id: state.provider_id,
      order_id: state.order_id,
      imp_uid: impUid,
      merchant_uid: state.data.merchant_uid,
      currency_code: state.currency_code,
      amount,
      reason: reason.slice(0, 200),
      note: input.note ?? null,
      refund_reason_id: input.refund_reason_id ?? null,
      created_by: input.created_by ?? null,
      snapshot: (await keptSnapshots(container, [{ id: state.id, data: state.data }])).get(state.id) ?? null,
    }
    return new StepResponse(plan)
  }
)

async function refundReasonLabel(
  container: Parameters<typeof loadPaymentState>[0],
  id: string | undefined
): Promise<string | undefined> {
  if (!id) {
    return undefined
  }
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({ entity: "refund_reason", fields: ["label"], filters: { id } })
  const reason = data[0] as { label?: string } | undefined
  if (!reason) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, `Refund reason ${id} was not found.`)
  }
  return reason.label
}
