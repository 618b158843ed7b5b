import type { IPaymentModuleService, Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MathBN, Modules } from "@medusajs/framework/utils"
import { paymentwallModule } from "../../../modules/iamport-paymentwall"
import { paymentwallProvider } from "../../../providers/iamport-paymentwall/registered-provider"
import { isPaymentwallProviderId } from "../../../lib/paymentwall/provider-id"
import { requestCancelTicketWorkflow } from "../../refunds/workflows/request-cancel-ticket"
import { loadPaymentState } from "../../settlement/utils/payment-state"
import { unbookedTicketsOf, refundableBalance } from "../../settlement/utils/refundable"
import { errorMessage } from "../../../lib/error-message"

/** A payment older than this past its cutoff is left alone: the job's window, so it never rescans a store's history. */
const WINDOW_MS = 48 * 3_600_000
const BATCH = 100
/** How the cleanup's tickets begin their note: the widget shows it, and the job knows its own tickets by it. */
const AUTO_NOTE = "Test payment cancelled automatically"

export type TestCleanupResult = { cancelled: string[]; failed: string[] }

/**
 * Paymentwall's test payments charge the real card (i'mport's guide), so a provider in test mode with
 * `autoCancelTestPaymentsAfterMinutes` has each captured test payment cancelled that long after its capture, for what
 * is left of it, through the normal cancel ticket (it waits for Paymentwall like any refund). A payment with an
 * unanswered request is skipped (a second request could cancel twice), and so is one the cleanup asked for before.
 */
export async function cancelOldTestPayments(container: MedusaContainer, now = new Date()): Promise<TestCleanupResult> {
  const result: TestCleanupResult = { cancelled: [], failed: [] }
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const providers = await container
    .resolve<IPaymentModuleService>(Modules.PAYMENT)
    .listPaymentProviders({ is_enabled: true }, { select: ["id"] })
  for (const { id: providerId } of providers.filter((p) => isPaymentwallProviderId(p.id))) {
    const minutes = paymentwallProvider(container, providerId).autoCancelTestPaymentsAfterMinutes()
    if (minutes === null) {
      continue
    }
    const cutoff = now.getTime() - minutes * 60_000
    for (const payment of await capturedBetween(
      container,
      providerId,
      new Date(cutoff - WINDOW_MS),
      new Date(cutoff)
    )) {
      if (payment.data?.mode !== "test" || typeof payment.data?.imp_uid !== "string") {
        continue
      }
      const state = await loadPaymentState(container, payment.id)
      const open = await unbookedTicketsOf(container, payment.id)
      const left = refundableBalance(state, open)
      if (
        !MathBN.gt(left, 0) ||
        open.some((t) => t.status === "requested") ||
        (await triedBefore(container, payment.id))
      ) {
        continue
      }
      const note = `${AUTO_NOTE} ${minutes} minutes after capture (autoCancelTestPaymentsAfterMinutes)`
      try {
        const { result: ticket } = await requestCancelTicketWorkflow(container).run({
          input: { payment_id: payment.id, amount: left.toNumber(), note },
        })
        result.cancelled.push(payment.id)
        logger.info(
          `iamport-paymentwall: test payment ${payment.id} (i'mport ${payment.data.imp_uid}) cancelled automatically: ` +
            `${left.toNumber()} ${state.currency_code.toUpperCase()}, ticket ${ticket.id} ${ticket.status}`
        )
      } catch (error) {
        result.failed.push(payment.id)
        logger.warn(
          `iamport-paymentwall: test payment ${payment.id} could not be cancelled automatically: ${errorMessage(error)}`
        )
      }
    }
  }
  return result
}

type CapturedPayment = { id: string; data: Record<string, unknown> | null }

/** Every payment of the provider captured in the window, read 100 at a time. */
async function capturedBetween(
  container: MedusaContainer,
  providerId: string,
  from: Date,
  to: Date
): Promise<CapturedPayment[]> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const all: CapturedPayment[] = []
  for (let skip = 0; ; skip += BATCH) {
    const { data } = await query.graph({
      entity: "payment",
      fields: ["id", "data"],
      filters: { provider_id: providerId, captured_at: { $gte: from, $lte: to }, canceled_at: null },
      pagination: { skip, take: BATCH, order: { captured_at: "ASC", id: "ASC" } },
    })
    all.push(...(data as CapturedPayment[]))
    if (data.length < BATCH) {
      return all
    }
  }
}

/**
 * The cleanup asks once per payment: after its ticket was rejected, dismissed or failed, a person decides, and the
 * job does not send the same request every five minutes.
 */
async function triedBefore(container: MedusaContainer, paymentId: string): Promise<boolean> {
  const tickets = await paymentwallModule(container).listCancelTickets({ payment_id: paymentId }, { select: ["note"] })
  return tickets.some((t) => t.note?.startsWith(AUTO_NOTE))
}
