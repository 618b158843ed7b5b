import type { IPaymentModuleService, MedusaContainer } from "@medusajs/framework/types"
import { DONE_CANCELLATION_STATUSES } from "../../../modules/iamport-paymentwall/models/cancellation"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { isPaymentwallProviderId, PROVIDER_ID_PREFIX } from "../../../lib/paymentwall/provider-id"
import type { PaymentwallData } from "../../../lib/paymentwall/payment-data"
import { paymentwallModule, OPEN_TICKET_STATUSES } from "../../../modules/iamport-paymentwall"

export type SettleOpenPaymentsInput = {
  /** Look back this far for Refunds Medusa booked itself (order cancel, compensation) that no ticket tracks yet. */
  adopt_since_ms?: number
  /** Only these payments; otherwise every payment with a ticket still open, and a sweep. */
  payment_ids?: string[]
  /** Override of the plugin's reconcileSweepDays (0: no sweep); the sweep never runs with payment_ids. */
  sweep_days?: number
}

export type SettlementTarget = { payment_id: string; provider_id: string; imp_uid: string; sweep?: boolean }

/** Payments one i'mport call looks up at once (GET /payments?imp_uid[]). */
export const LOOKUP_BATCH = 100

/**
 * The payments the job settles: every one with a ticket still open, every one with a Refund Medusa booked through
 * the provider that no ticket tracks, and a rotating slice of recent ones (the sweep), marked as such.
 */
export async function settlementTargets(
  container: MedusaContainer,
  input: SettleOpenPaymentsInput
): Promise<SettlementTarget[]> {
  const service = paymentwallModule(container)
  const targets = new Map<string, SettlementTarget>()
  const open = await service.listCancelTickets({
    status: [...OPEN_TICKET_STATUSES],
    ...(input.payment_ids ? { payment_id: input.payment_ids } : {}),
  })
  for (const t of open) {
    targets.set(t.payment_id, { payment_id: t.payment_id, provider_id: t.provider_id, imp_uid: t.imp_uid })
  }
  for (const target of await untrackedRefunds(container, input)) {
    targets.set(target.payment_id, target)
  }
  const sweepDays = input.sweep_days ?? service.settings().reconcileSweepDays
  const since = new Date(Date.now() - sweepDays * 86_400_000)
  // Recent payments, and as slowly (one slice a run) the older ones: a chargeback can come months after the
  // payment, and its notice can be lost like any other. At most two i'mport calls a run between them.
  const swept =
    input.payment_ids || !sweepDays
      ? []
      : [...(await sweepSlice(container, { $gte: since })), ...(await sweepSlice(container, { $lt: since }))]
  for (const target of swept) {
    if (!targets.has(target.payment_id)) {
      targets.set(target.payment_id, { ...target, sweep: true })
    }
  }
  return [...targets.values()]
}

/** Paymentwall payments with a Refund that Medusa booked through the provider and no ticket tracks. */
async function untrackedRefunds(
  container: MedusaContainer,
  input: SettleOpenPaymentsInput
): Promise<SettlementTarget[]> {
  const payments = container.resolve<IPaymentModuleService>(Modules.PAYMENT)
  const since = new Date(Date.now() - (input.adopt_since_ms ?? 7 * 86_400_000))
  const refunds = await payments.listRefunds(
    { created_at: { $gte: since.toISOString() }, ...(input.payment_ids ? { payment_id: input.payment_ids } : {}) },
    { relations: ["payment"], take: 1000 }
  )
  const tracked = new Set(
    (
      await paymentwallModule(container).listCancelTickets(
        { refund_id: refunds.map((r) => r.id) },
        { select: ["refund_id"] }
      )
    ).map((t) => t.refund_id)
  )
  const targets: SettlementTarget[] = []
  for (const refund of refunds) {
    const payment = refund.payment as unknown as
      { id: string; provider_id: string; data: PaymentwallData | null } | undefined
    const record = payment?.data?.cancel_requests?.[refund.id]
    if (
      payment &&
      isPaymentwallProviderId(payment.provider_id) &&
      record &&
      !tracked.has(refund.id) &&
      payment.data?.imp_uid
    ) {
      targets.push({ payment_id: payment.id, provider_id: payment.provider_id, imp_uid: payment.data.imp_uid })
    }
  }
  return targets
}

/** How many payments one run sweeps: one i'mport call. */
const SWEEP_SLICE = LOOKUP_BATCH
const SWEEP_PERIOD_MS = 15 * 60_000

/**
 * A slice of the Paymentwall payments captured in a window (the last `reconcileSweepDays`, or before them),
 * rotating with the clock (one slice per job period), so every payment is looked at again in turn without any
 * state: a refund made outside Medusa (console, chargeback) whose webhook was lost is found even though no ticket
 * waits for it.
 */
async function sweepSlice(
  container: MedusaContainer,
  capturedAt: { $gte: Date } | { $lt: Date }
): Promise<SettlementTarget[]> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const filters = {
    provider_id: { $like: `${PROVIDER_ID_PREFIX}%` },
    captured_at: capturedAt,
  }
  const { metadata } = await query.graph({
    entity: "payment",
    fields: ["id"],
    filters,
    pagination: { skip: 0, take: 1 },
  })
  const count = metadata?.count ?? 0
  if (!count) {
    return []
  }
  const slices = Math.ceil(count / SWEEP_SLICE)
  const skip = (Math.floor(Date.now() / SWEEP_PERIOD_MS) % slices) * SWEEP_SLICE
  const { data } = await query.graph({
    entity: "payment",
    fields: ["id", "provider_id", "data"],
    filters,
    pagination: { skip, take: SWEEP_SLICE, order: { captured_at: "ASC" } },
  })
  const page = data as { id: string; provider_id: string; data: Record<string, unknown> | null }[]
  return page.flatMap((p) => {
    const impUid = (p.data as PaymentwallData | null)?.imp_uid
    return impUid && isPaymentwallProviderId(p.provider_id)
      ? [{ payment_id: p.id, provider_id: p.provider_id, imp_uid: impUid }]
      : []
  })
}

/** The ledger's booked keys of these i'mport payments, in one query. */
export async function ledgerKeys(container: MedusaContainer, impUids: string[]): Promise<Map<string, Set<string>>> {
  const keys = new Map<string, Set<string>>()
  if (!impUids.length) {
    return keys
  }
  const rows = await paymentwallModule(container).listCancellations(
    { imp_uid: impUids, status: [...DONE_CANCELLATION_STATUSES] },
    { select: ["imp_uid", "key", "alias"] }
  )
  for (const row of rows) {
    const set = keys.get(row.imp_uid) ?? new Set<string>()
    set.add(row.key)
    if (row.alias) {
      set.add(row.alias)
    }
    keys.set(row.imp_uid, set)
  }
  return keys
}
