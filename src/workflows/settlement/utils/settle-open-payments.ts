import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { isBooked } from "../../../lib/paymentwall/cancellation"
import type { PaymentView } from "../../../lib/paymentwall/payment-view"
import { paymentwallModule } from "../../../modules/iamport-paymentwall"
import { paymentwallProvider } from "../../../providers/iamport-paymentwall/registered-provider"
import { isShuttingDown } from "../../../lib/shutdown"
import { settleCancellationsWorkflow } from "../workflows/settle-cancellations"
import {
  ledgerKeys,
  LOOKUP_BATCH,
  type SettleOpenPaymentsInput,
  settlementTargets,
  type SettlementTarget,
} from "./settlement-targets"
import { errorMessage } from "../../../lib/error-message"
import { findExtraAttempts } from "../../extra-attempts/utils/find-extra-attempts"

export type { SettleOpenPaymentsInput } from "./settlement-targets"

export type SettleOpenPaymentsResult = {
  checked: number
  /** i'mport calls of the settlement (one per 100 payments). */
  iamport_calls: number
  booked: number
  flagged: number
  /** i'mport calls of the check for second paid attempts (bounded: see extra-attempts/attempt-check-targets.ts). */
  attempt_calls: number
  /** Second paid attempts of an order already paid that this run found and recorded. */
  extra_attempts: number
  failed: string[]
}

/**
 * The safety net behind webhooks (the scheduled job): settles every payment with an open ticket, every Refund
 * Medusa booked through the provider that no ticket tracks, and a rotating slice of recent payments, then looks for
 * second paid attempts of recently captured payments (extra-attempts/find-extra-attempts.ts). i'mport is
 * read in batches (100 payments per GET /payments?imp_uid[] call), then each payment is settled by its own run of
 * settleCancellationsWorkflow, under its own lock, so one failure stops no other and several instances may run
 * this at once. Not a workflow itself: a step must not run whole workflows, and each payment is its own unit.
 */
export async function settleOpenPayments(
  container: MedusaContainer,
  input: SettleOpenPaymentsInput = {}
): Promise<SettleOpenPaymentsResult> {
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const flagAfterMs = paymentwallModule(container).settings().ticketAttentionAfterHours * 3_600_000
  const result: SettleOpenPaymentsResult = {
    checked: 0,
    iamport_calls: 0,
    booked: 0,
    flagged: 0,
    attempt_calls: 0,
    extra_attempts: 0,
    failed: [],
  }
  const failed = (target: SettlementTarget, error: unknown) => {
    const message = errorMessage(error)
    logger.warn(`iamport-paymentwall: settling payment ${target.payment_id} failed: ${message}`)
    result.failed.push(`${target.payment_id}: ${message}`)
  }
  const byProvider = new Map<string, SettlementTarget[]>()
  for (const target of await settlementTargets(container, input)) {
    byProvider.set(target.provider_id, [...(byProvider.get(target.provider_id) ?? []), target])
  }
  for (const [providerId, list] of byProvider) {
    const provider = paymentwallProvider(container, providerId)
    const fetched = new Map<string, PaymentView>()
    const unreadable = new Map<string, unknown>()
    const readAt = new Map<string, string>()
    for (let i = 0; i < list.length; i += LOOKUP_BATCH) {
      const batch = list.slice(i, i + LOOKUP_BATCH).map((t) => t.imp_uid)
      const startedAt = new Date().toISOString()
      const reads = await provider.readPayments(batch)
      for (const payment of reads.payments) {
        fetched.set(payment.id, payment)
        readAt.set(payment.id, startedAt)
      }
      for (const { id, error } of reads.unreadable) {
        unreadable.set(id, error)
      }
      result.iamport_calls += 1
    }
    const ledger = await ledgerKeys(
      container,
      list.filter((t) => t.sweep).map((t) => t.imp_uid)
    )
    for (const target of list) {
      if (isShuttingDown()) {
        // The rest waits for the next run, on this worker after its restart or on another.
        result.failed.push(`the rest of this run left for the next: this process is shutting down`)
        return result
      }
      const payment = fetched.get(target.imp_uid)
      if (!payment && unreadable.has(target.imp_uid)) {
        // As when its own settlement fails: reported, and the others still settle.
        failed(target, unreadable.get(target.imp_uid))
        continue
      }
      if (!payment) {
        result.failed.push(`${target.payment_id}: i'mport does not show ${target.imp_uid}`)
        continue
      }
      if (target.sweep && payment.cancellations.every((e) => isBooked(e, ledger.get(target.imp_uid) ?? new Set()))) {
        // Swept, and every cancellation i'mport shows is booked: nothing to settle, no lock taken.
        continue
      }
      try {
        const { result: settled } = await settleCancellationsWorkflow(container).run({
          input: {
            payment_id: target.payment_id,
            provider_id: target.provider_id,
            imp_uid: target.imp_uid,
            payment,
            read_at: readAt.get(target.imp_uid),
            flag_waiting_after_ms: flagAfterMs,
          },
        })
        result.checked += 1
        result.booked += settled.booked.length
        result.flagged += settled.flagged.length
      } catch (error) {
        failed(target, error)
      }
    }
  }
  // Ledger invariant (h): a second paid attempt whose notice was lost.
  const scan = await findExtraAttempts(container, input.payment_ids)
  result.attempt_calls = scan.iamport_calls
  result.extra_attempts = scan.found
  result.failed.push(...scan.failed)
  return result
}
