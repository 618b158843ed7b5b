import type { IPaymentModuleService, Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MathBN, Modules } from "@medusajs/framework/utils"
import { isPaymentwallProviderId, paymentwallProvider } from "../../providers/iamport-paymentwall/registered-provider"
import { requestCancelTicketWorkflow } from "../request-cancel-ticket"
import { loadPaymentState } from "../settlement/payment-state"
import { openRequestsOf, refundableBalance } from "../settlement/refundable"

/** A payment older than this past its cutoff is left alone: the job's window, so it never rescans a store's history. */
const WINDOW_MS = 48 * 3_600_000
const BATCH = 100

export type TestCleanupResult = { cancelled: string[]; failed: string[] }

/**
 * Paymentwall's test payments charge the real card (i'mport's guide), so a provider in test mode with
 * `autoCancelTestPaymentsAfterMinutes` has each captured test payment cancelled that long after its capture, for what
 * is left of it, through the normal cancel ticket (it waits for Paymentwall like any refund). A payment with an
 * unanswered request is skipped: a second request could cancel twice.
 */
export async function cancelOldTestPayments(container: MedusaContainer, now = new Date()): Promise<TestCleanupResult> {
  const result: TestCleanupResult = { cancelled: [], failed: [] }
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const providers = await container.resolve<IPaymentModuleService>(Modules.PAYMENT).listPaymentProviders({ is_enabled: true }, { select: ["id"] })
  for (const { id: providerId } of providers.filter((p) => isPaymentwallProviderId(p.id))) {
    const minutes = paymentwallProvider(container, providerId).autoCancelTestPaymentsAfterMinutes()
    if (minutes === null) {
      continue
    }
    const cutoff = now.getTime() - minutes * 60_000
    for (const payment of await capturedBetween(container, providerId, new Date(cutoff - WINDOW_MS), new Date(cutoff))) {
      if (payment.data?.mode !== "test" || typeof payment.data?.imp_uid !== "string") {
        continue
      }
      const state = await loadPaymentState(container, payment.id)
      const open = await openRequestsOf(container, payment.id)
      const left = refundableBalance(state, open)
      if (!MathBN.gt(left, 0) || open.some((t) => t.status === "requested")) {
        continue
      }
      const note = `Test payment cancelled automatically ${minutes} minutes after capture (autoCancelTestPaymentsAfterMinutes)`
      try {
        const { result: ticket } = await requestCancelTicketWorkflow(container).run({ input: { payment_id: payment.id, amount: left.toNumber(), note } })
        result.cancelled.push(payment.id)
        logger.info(
          `iamport-paymentwall: test payment ${payment.id} (i'mport ${payment.data.imp_uid}) cancelled automatically: ` +
            `${left.toNumber()} ${state.currency_code.toUpperCase()}, ticket ${ticket.id} ${ticket.status}`
        )
      } catch (error) {
        result.failed.push(payment.id)
        logger.warn(`iamport-paymentwall: test payment ${payment.id} could not be cancelled automatically: ${error instanceof Error ? error.message : String(error)}`)
      }
    }
  }
  return result
}

type CapturedPayment = { id: string; data: Record<string, unknown> | null }

async function capturedBetween(container: MedusaContainer, providerId: string, from: Date, to: Date): Promise<CapturedPayment[]> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "payment",
    fields: ["id", "data"],
    filters: { provider_id: providerId, captured_at: { $gte: from, $lte: to }, canceled_at: null },
    pagination: { take: BATCH, order: { captured_at: "ASC" } },
  })
  return data as CapturedPayment[]
}
