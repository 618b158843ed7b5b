import { keptSnapshots } from "../../../lib/paymentwall/kept-snapshot"
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MedusaError, Modules } from "@medusajs/framework/utils"
import type { IUserModuleService } from "@medusajs/framework/types"
import { type OrderPaymentRow, paymentwallPaymentsOfOrder } from "../../../lib/order-payments"
import { paymentwallProvider } from "../../../providers/iamport-paymentwall/registered-provider"
import { type IamportSnapshot, snapshotOf } from "../../../lib/paymentwall/payment-data"
import {
  type CancelTicket,
  type DeliveryNotice,
  type ExtraAttempt,
  paymentwallModule,
} from "../../../modules/iamport-paymentwall"
import { freeFromSnapshot, freeToRefund } from "../../../lib/paymentwall/free-to-refund"
import type { IamportPayment } from "../../../lib/iamport/types"
import { planTicketOf } from "../../../lib/paymentwall/settlement-plan"
import { bookedKeys, ledgerOf } from "../../../workflows/settlement/utils/ledger"

export type TicketView = Omit<CancelTicket, "raw_amount" | "amount" | "requested_by" | "deleted_at"> & {
  amount: number
  requested_by: { id: string; email: string | null } | null
  refund_reason: string | null
}

/** A delivery report to Paymentwall: what was sent, when, and how the outbox stands. */
export type DeliveryView = Pick<
  DeliveryNotice,
  | "id"
  | "status"
  | "type"
  | "state"
  | "carrier_type"
  | "carrier_tracking_id"
  | "attempts"
  | "next_attempt_at"
  | "sent_at"
  | "last_error"
  | "created_at"
>

/** A second paid attempt of the payment's merchant_uid: money i'mport holds that Medusa never booked. */
export type ExtraAttemptView = Pick<
  ExtraAttempt,
  "id" | "imp_uid" | "merchant_uid" | "currency_code" | "status" | "error" | "found_at" | "decided_at"
> & {
  amount: number
  /** Who asked for its cancel, by e-mail where the user still exists. */
  decided_by: string | null
}

export type PaymentView = {
  id: string
  provider_id: string
  amount: number
  currency_code: string
  captured_at: Date | null
  refunded_amount: number
  mode: "test" | "live" | null
  imp_uid: string | null
  merchant_uid: string | null
  /** What i'mport said: now, when asked live, else at the provider's last call. */
  iamport: IamportSnapshot | null
  iamport_live: boolean
  iamport_error: string | null
  tickets: TicketView[]
  deliveries: DeliveryView[]
  /** Second paid attempts of this payment's merchant_uid (ledger invariant (h)), oldest first. */
  extra_attempts: ExtraAttemptView[]
  /** When the test-payment cleanup cancels this payment (autoCancelTestPaymentsAfterMinutes); null when it will not. */
  auto_cancel_at: Date | null
  /**
   * What a refund may still ask for (lib/free-to-refund, the definition the provider and the refund routes decide
   * with): what i'mport shows left, less what waits at Paymentwall. From i'mport's answer when asked live, else
   * from the kept snapshot; null before the payment is captured.
   */
  free_to_refund: { left: number; waiting: number; free: number } | null
}

/** An order's Paymentwall payments, what i'mport says of them, their cancel tickets and second paid attempts, for the admin widget. */
export async function paymentwallOrderView(
  container: MedusaContainer,
  orderId: string,
  live: boolean
): Promise<PaymentView[]> {
  const order = await paymentwallPaymentsOfOrder(container, orderId, [
    "amount",
    "currency_code",
    "captured_at",
    "data",
    "refunds",
  ])
  if (!order) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, `Order ${orderId} was not found.`)
  }
  const payments = order.payments
  const tickets = payments.length
    ? await paymentwallModule(container).listCancelTickets(
        { payment_id: payments.map((p) => p.id) },
        { order: { requested_at: "DESC" } }
      )
    : []
  const deliveries = payments.length
    ? await paymentwallModule(container).listDeliveryNotices(
        { payment_id: payments.map((p) => p.id) },
        { order: { created_at: "ASC" } }
      )
    : []
  const extraAttempts = payments.length
    ? await paymentwallModule(container).listExtraAttempts(
        { payment_id: payments.map((p) => p.id) },
        { order: { found_at: "ASC" } }
      )
    : []
  const people = await emailsOf(
    container,
    [...tickets.flatMap((t) => [t.requested_by, t.decided_by]), ...extraAttempts.map((a) => a.decided_by)].filter(
      (id): id is string => !!id
    )
  )
  const snapshots = await keptSnapshots(container, payments)
  const reasons = await reasonLabels(
    container,
    tickets.map((t) => t.refund_reason_id).filter((id): id is string => !!id)
  )

  return Promise.all(
    payments.map(async (payment) => {
      const stored = snapshots.get(payment.id) ?? null
      const impUid = typeof payment.data?.imp_uid === "string" ? payment.data.imp_uid : null
      let iamport = stored
      let iamportError: string | null = null
      let fresh: IamportPayment | null = null
      if (live && impUid) {
        try {
          fresh = await paymentwallProvider(container, payment.provider_id).lookupPayment(impUid)
          iamport = snapshotOf(fresh)
        } catch (error) {
          iamportError = error instanceof Error ? error.message : String(error)
        }
      }
      const own = tickets.filter((t) => t.payment_id === payment.id)
      const free = fresh
        ? freeToRefund({
            iamport: fresh,
            tickets: own.map(planTicketOf),
            booked: bookedKeys(await ledgerOf(container, fresh.imp_uid)),
          })
        : iamport && payment.captured_at
          ? freeFromSnapshot(iamport, own)
          : null
      return {
        id: payment.id,
        provider_id: payment.provider_id,
        amount: Number(payment.amount),
        currency_code: payment.currency_code,
        captured_at: payment.captured_at,
        refunded_amount: (payment.refunds ?? []).reduce((sum, r) => sum + Number(r.amount), 0),
        mode: (payment.data?.mode as "test" | "live" | undefined) ?? null,
        imp_uid: impUid,
        merchant_uid: typeof payment.data?.merchant_uid === "string" ? payment.data.merchant_uid : null,
        iamport,
        iamport_live: live && !iamportError && !!impUid,
        iamport_error: iamportError,
        tickets: tickets
          .filter((t) => t.payment_id === payment.id)
          .map(({ raw_amount: _raw, deleted_at: _deleted, ...t }) => ({
            ...t,
            amount: Number(t.amount),
            requested_by: t.requested_by ? { id: t.requested_by, email: people.get(t.requested_by) ?? null } : null,
            // Who confirmed a rejection or kept a ticket waiting, by e-mail where the user still exists.
            decided_by: t.decided_by ? (people.get(t.decided_by) ?? t.decided_by) : null,
            refund_reason: t.refund_reason_id ? (reasons.get(t.refund_reason_id) ?? null) : null,
          })),
        deliveries: deliveries.filter((d) => d.payment_id === payment.id).map(deliveryView),
        extra_attempts: extraAttempts
          .filter((a) => a.payment_id === payment.id)
          .map((a) => extraAttemptView(a, people)),
        auto_cancel_at: autoCancelAt(container, payment),
        free_to_refund: free
          ? { left: free.left.toNumber(), waiting: free.waiting.toNumber(), free: Math.max(0, free.free.toNumber()) }
          : null,
      }
    })
  )
}

function autoCancelAt(container: MedusaContainer, payment: OrderPaymentRow): Date | null {
  const refunded = (payment.refunds ?? []).reduce((sum, r) => sum + Number(r.amount), 0)
  if (payment.data?.mode !== "test" || !payment.captured_at || refunded >= Number(payment.amount)) {
    return null
  }
  const minutes = paymentwallProvider(container, payment.provider_id).autoCancelTestPaymentsAfterMinutes()
  return minutes === null ? null : new Date(new Date(payment.captured_at).getTime() + minutes * 60_000)
}

function deliveryView(d: DeliveryNotice): DeliveryView {
  const {
    id,
    status,
    type,
    state,
    carrier_type,
    carrier_tracking_id,
    attempts,
    next_attempt_at,
    sent_at,
    last_error,
    created_at,
  } = d
  return {
    id,
    status,
    type,
    state,
    carrier_type,
    carrier_tracking_id,
    attempts,
    next_attempt_at,
    sent_at,
    last_error,
    created_at,
  }
}

function extraAttemptView(a: ExtraAttempt, people: Map<string, string>): ExtraAttemptView {
  const { id, imp_uid, merchant_uid, currency_code, status, error, found_at, decided_at } = a
  const decidedBy = a.decided_by ? (people.get(a.decided_by) ?? a.decided_by) : null
  return {
    id,
    imp_uid,
    merchant_uid,
    amount: Number(a.amount),
    currency_code,
    status,
    error,
    found_at,
    decided_at,
    decided_by: decidedBy,
  }
}

async function emailsOf(container: MedusaContainer, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) {
    return new Map()
  }
  const users = await container
    .resolve<IUserModuleService>(Modules.USER)
    .listUsers({ id: [...new Set(ids)] }, { select: ["id", "email"] })
  return new Map(users.map((u) => [u.id, u.email]))
}

async function reasonLabels(container: MedusaContainer, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) {
    return new Map()
  }
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "refund_reason",
    fields: ["id", "label"],
    filters: { id: [...new Set(ids)] },
  })
  return new Map((data as { id: string; label: string }[]).map((r) => [r.id, r.label]))
}
