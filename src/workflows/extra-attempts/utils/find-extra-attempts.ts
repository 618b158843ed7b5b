import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { errorMessage } from "../../../lib/error-message"
import type { IamportPayment } from "../../../lib/iamport/types"
import { isShuttingDown } from "../../../lib/shutdown"
import { type ExtraAttempt, OPEN_EXTRA_ATTEMPT_STATUSES, paymentwallModule } from "../../../modules/iamport-paymentwall"
import { paymentwallProvider } from "../../../providers/iamport-paymentwall/registered-provider"
import { LOOKUP_BATCH } from "../../settlement/utils/settlement-targets"
import { attemptCheckTargets } from "./attempt-check-targets"
import { fullyCancelled, holdsMoney } from "./attempt-facts"
import { recordExtraAttemptWorkflow } from "../workflows/record-extra-attempt"

export type ExtraAttemptScan = {
  /** i'mport calls made: at most ATTEMPT_CHECKS_PER_RUN, plus one per provider for the recorded attempts still open. */
  iamport_calls: number
  /** Second paid attempts recorded by this run. */
  found: number
  /** Recorded attempts this run saw cancelled in full at i'mport. */
  cancelled: number
  failed: string[]
}

/**
 * The job's part of ledger invariant (h), for when the notice of a second paid attempt was lost: each payment of a
 * rotating slice of recent ones (attempt-check-targets.ts) is looked up at i'mport with all its merchant_uid's
 * attempts, and a paid one other than the captured one is recorded, under the payment's lock, once. Then the
 * recorded attempts still open are read in one batch call, so a cancellation whose notice was lost shows too.
 */
export async function findExtraAttempts(container: MedusaContainer, paymentIds?: string[]): Promise<ExtraAttemptScan> {
  const scan: ExtraAttemptScan = { iamport_calls: 0, found: 0, cancelled: 0, failed: [] }
  const service = paymentwallModule(container)
  for (const target of await attemptCheckTargets(container, paymentIds)) {
    if (isShuttingDown()) {
      scan.failed.push("the rest of the second-payment check left for the next run: this process is shutting down")
      return scan
    }
    try {
      scan.iamport_calls += 1
      const attempts = await paymentwallProvider(container, target.provider_id).lookupAttempts(target.merchant_uid)
      const others = attempts.filter((a) => a.imp_uid !== target.imp_uid && holdsMoney(a))
      const known = others.length
        ? await service.listExtraAttempts({ imp_uid: others.map((a) => a.imp_uid) }, { select: ["imp_uid"] })
        : []
      for (const attempt of others.filter((a) => !known.some((k) => k.imp_uid === a.imp_uid))) {
        const { result } = await recordExtraAttemptWorkflow(container).run({
          input: { payment_id: target.payment_id, imp_uid: attempt.imp_uid, iamport: attempt, found_by: "job" },
        })
        scan.found += result.outcome === "recorded" ? 1 : 0
      }
    } catch (error) {
      scan.failed.push(`${target.payment_id}: checking for a second payment failed: ${errorMessage(error)}`)
    }
  }
  await refreshOpenAttempts(container, scan)
  return scan
}

/** The oldest 100 recorded attempts still open, in one i'mport call; one that i'mport shows cancelled is updated. */
async function refreshOpenAttempts(container: MedusaContainer, scan: ExtraAttemptScan): Promise<void> {
  const open = await paymentwallModule(container).listExtraAttempts(
    { status: [...OPEN_EXTRA_ATTEMPT_STATUSES] },
    { take: LOOKUP_BATCH, order: { found_at: "ASC" } }
  )
  if (!open.length || isShuttingDown()) {
    return
  }
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "payment",
    fields: ["id", "provider_id"],
    filters: { id: [...new Set(open.map((a) => a.payment_id))] },
  })
  const providerOf = new Map((data as { id: string; provider_id: string }[]).map((p) => [p.id, p.provider_id]))
  const byProvider = new Map<string, ExtraAttempt[]>()
  for (const attempt of open) {
    const providerId = providerOf.get(attempt.payment_id)
    if (providerId) {
      byProvider.set(providerId, [...(byProvider.get(providerId) ?? []), attempt])
    }
  }
  for (const [providerId, attempts] of byProvider) {
    let fetched: IamportPayment[]
    try {
      scan.iamport_calls += 1
      fetched = await paymentwallProvider(container, providerId).lookupPayments(attempts.map((a) => a.imp_uid))
    } catch (error) {
      scan.failed.push(`reading recorded second payments failed: ${errorMessage(error)}`)
      continue
    }
    for (const iamport of fetched.filter(fullyCancelled)) {
      const attempt = attempts.find((a) => a.imp_uid === iamport.imp_uid)
      if (!attempt) {
        continue
      }
      try {
        const { result } = await recordExtraAttemptWorkflow(container).run({
          input: { payment_id: attempt.payment_id, imp_uid: attempt.imp_uid, iamport, found_by: "job" },
        })
        scan.cancelled += result.outcome === "updated" ? 1 : 0
      } catch (error) {
        scan.failed.push(
          `${attempt.payment_id}: updating second payment ${attempt.imp_uid} failed: ${errorMessage(error)}`
        )
      }
    }
  }
}
