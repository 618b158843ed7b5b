import type {
  AuthorizePaymentInput,
  AuthorizePaymentOutput,
  CancelPaymentInput,
  CancelPaymentOutput,
  CapturePaymentInput,
  CapturePaymentOutput,
  DeletePaymentInput,
  DeletePaymentOutput,
  GetPaymentStatusInput,
  GetPaymentStatusOutput,
  InitiatePaymentInput,
  InitiatePaymentOutput,
  Logger,
  ProviderWebhookPayload,
  RefundPaymentInput,
  RefundPaymentOutput,
  RetrievePaymentInput,
  RetrievePaymentOutput,
  UpdatePaymentInput,
  UpdatePaymentOutput,
  WebhookActionResult,
} from "@medusajs/framework/types"
import { MedusaError, PaymentSessionStatus } from "@medusajs/framework/utils"
import { randomUUID } from "node:crypto"
import { IamportClient, READ_RETRIES, RETRY_BASE_DELAY_MS } from "../../lib/iamport/client"
import { errorMessage } from "../../lib/error-message"
import { lockTtlSeconds } from "../../lib/lock-ttl"
import { ProviderReservations, providerReservations } from "../../lib/provider-reservations"
import type { IamportPayment, PaymentwallDeliveryRequest, PaymentwallDeliveryResult } from "../../lib/iamport/types"
import type { PaymentwallPort } from "../../lib/paymentwall/port"
import { PROVIDER_IDENTIFIER } from "../../lib/paymentwall/provider-id"
import { minusAmount, sameAmount, supportedCurrency, toIamportAmount } from "../../lib/money"
import { findAttempt, paymentOf, registerAmount } from "./attempts"
import { buyerFrom } from "../../lib/paymentwall/buyer"
import { cancelFromView, type CancelOutcome, type CancelRequest, sendCancel, viewOf, viewOfSnapshot } from "../../lib/paymentwall/cancel"
import { withCancelRecord } from "./cancel-record"
import { toMedusaError } from "./medusa-error"
import { resolveOptions, type IamportPaymentwallOptions, type ResolvedOptions } from "../../lib/paymentwall/options"
import {
  type IamportSnapshot,
  merchantUidFor,
  newSessionData,
  RECORD_ONLY_KEY,
  type PaymentwallData,
  readPaymentwallData,
  sessionIdFromMerchantUid,
  withSnapshot,
} from "../../lib/paymentwall/payment-data"
import { recordOnly } from "./record-only"
import { SavedMethodsRefused } from "./saved-methods"
import { authorizedStatus, SESSION_STATUS } from "./session-status"
import { assertMatches, ownershipProblems, paymentMismatches } from "./verify"
import { webhookAction } from "./webhook-action"
import { type Notice, readNotice, type WebhookPayload } from "../../lib/paymentwall/webhook-body"

type Dependencies = { logger: Logger }

/**
 * Medusa payment provider for i'mport (PortOne V1) on its Paymentwall channel.
 * A paid Paymentwall payment is a sale, so "paid" maps to `captured`; Medusa never calls capturePayment for it.
 * i'mport is the source of truth: every decision is taken on a fresh REST lookup, never on what a browser or a
 * webhook body says.
 */
export class IamportPaymentwallProviderService extends SavedMethodsRefused<IamportPaymentwallOptions> implements PaymentwallPort {
  static identifier = PROVIDER_IDENTIFIER

  protected readonly options_: ResolvedOptions
  protected readonly client_: IamportClient
  protected readonly logger_: Logger

  static validateOptions(options: Record<string, unknown>): void {
    resolveOptions(options)
  }

  constructor(container: Dependencies, options: IamportPaymentwallOptions) {
    super(container, options)
    this.options_ = resolveOptions(options)
    this.logger_ = container.logger
    this.client_ = new IamportClient({
      impKey: this.options_.impKey,
      impSecret: this.options_.impSecret,
      baseUrl: this.options_.apiBaseUrl,
      timeoutMs: this.options_.timeoutMs,
      includeSandbox: this.options_.mode === "test",
    })
  }

  async initiatePayment({ amount, currency_code, data, context }: InitiatePaymentInput): Promise<InitiatePaymentOutput> {
    const currency = supportedCurrency(currency_code)
    const major = toIamportAmount(amount, currency)
    const sessionId = typeof data?.session_id === "string" ? data.session_id : context?.idempotency_key
    const merchantUid = sessionId ? merchantUidFor(sessionId) : `pw_${randomUUID().replace(/-/g, "")}`
    await this.register(merchantUid, major, currency, "new")

    const buyer = buyerFrom(context, data)
    const sessionData = newSessionData(this.options_, { sessionId, merchantUid, amount: major, currency, buyer })
    return { id: merchantUid, data: sessionData, status: PaymentSessionStatus.PENDING }
  }

  async updatePayment({ amount, currency_code, data, context }: UpdatePaymentInput): Promise<UpdatePaymentOutput> {
    const current = readPaymentwallData(data)
    const currency = supportedCurrency(currency_code)
    const major = toIamportAmount(amount, currency)
    if (!sameAmount(major, current.amount) || currency !== current.currency) {
      await this.register(current.merchant_uid, major, currency, "existing")
    }
    const buyer = buyerFrom(context, data)
    return {
      data: {
        ...current,
        amount: major,
        currency,
        buyer_email: buyer.email ?? current.buyer_email,
        buyer_name: buyer.name ?? current.buyer_name,
      },
    }
  }

  async authorizePayment({ data }: AuthorizePaymentInput): Promise<AuthorizePaymentOutput> {
    const expected = readPaymentwallData(data)
    const payment = await this.call("look up the payment", () => findAttempt(this.client_, expected.merchant_uid))
    if (!payment) {
      // The buyer has not finished the widget, or Paymentwall's pingback has not reached i'mport yet.
      return { status: PaymentSessionStatus.PENDING_AUTHORIZATION, data: { ...expected } }
    }
    this.assertMatches(payment, expected)
    return { status: authorizedStatus(payment), data: withSnapshot(expected, payment) }
  }

  /** A Paymentwall payment is captured when paid; this re-verifies and records, and moves no money. */
  async capturePayment({ data }: CapturePaymentInput): Promise<CapturePaymentOutput> {
    const expected = readPaymentwallData(data)
    const payment = await this.call("look up the payment", () => paymentOf(this.client_, expected))
    this.assertMatches(payment, expected)
    if (payment.status !== "paid" && payment.status !== "cancelled") {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `The i'mport payment ${payment.imp_uid} is ${payment.status}, not paid.`)
    }
    return { data: withSnapshot(expected, payment) }
  }

  /**
   * A paid payment is cancelled in full (a Paymentwall ticket); a ready or failed one has nothing to cancel.
   * Kept like refundPayment's: a void already recorded under its key, or one i'mport already shows done, sends nothing.
   */
  async cancelPayment({ data, context }: CancelPaymentInput): Promise<CancelPaymentOutput> {
    const expected = readPaymentwallData(data)
    const keyFor = (impUid: string): string => context?.idempotency_key ?? `cancel_${impUid}`
    const knownKey = context?.idempotency_key ?? (expected.imp_uid ? keyFor(expected.imp_uid) : undefined)
    if (knownKey && expected.cancel_requests?.[knownKey]) {
      // Medusa retried a void it already sent: never cancel twice, and no lookup needed.
      return { data: expected }
    }
    // The captured attempt when the data names it: another attempt of the same merchant_uid is not this payment.
    const payment = await this.call("look up the payment", () =>
      expected.imp_uid ? this.client_.getPayment(expected.imp_uid) : findAttempt(this.client_, expected.merchant_uid)
    )
    if (!payment) {
      return { data: { ...expected } }
    }
    const key = keyFor(payment.imp_uid)
    const left = minusAmount(payment.amount, payment.cancel_amount)
    if (payment.status !== "paid" || !left.isGreaterThan(0) || expected.cancel_requests?.[key]) {
      return { data: withSnapshot(expected, payment) }
    }
    this.assertMatches(payment, expected)
    // A void books no Refund: its ticket is booked like an admin's once i'mport shows the cancellation.
    const asked = { key, amount: left.toNumber(), reason: "Payment canceled in Medusa", refund_id: null }
    return { data: await this.gatedCancel(expected, payment, asked) }
  }

  async refundPayment({ amount, data, context }: RefundPaymentInput): Promise<RefundPaymentOutput> {
    const expected = readPaymentwallData(data)
    const refundId = context?.idempotency_key
    if (!refundId) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, "A refund needs Medusa's refund id as its idempotency key.")
    }
    if (expected.cancel_requests?.[refundId]) {
      // Medusa asked again for a refund it already sent: never cancel twice.
      return { data: expected }
    }
    const marker = expected[RECORD_ONLY_KEY]
    if (marker) {
      const data = recordOnly(expected, marker, amount, refundId)
      // The settlement's claim on the ledger row is taken by one refund only: another that read the same marker (a
      // store's refund running alongside) is refused, so one cancellation is never booked twice.
      const taken = !!expected.imp_uid && (await providerReservations(this.container as Record<string, unknown>).takeClaim(expected.imp_uid, marker.cancellation_id, refundId))
      if (!taken) {
        throw new MedusaError(
          MedusaError.Types.CONFLICT,
          `Refund ${refundId} found the booking marker of i'mport cancellation ${marker.cancellation_id}, but that booking is not claimed for it; nothing was recorded. Try again in a moment.`
        )
      }
      return { data }
    }
    const major = toIamportAmount(amount, expected.currency)
    // Read first. Medusa calls this for its own refunds (an order cancel, a store's code), where nothing proves the
    // snapshot in the data current: it may predate refunds booked since, of this very amount and reason, which a
    // refusal's re-read could not tell from this request's. The admin's refunds are cancel tickets, sent by the
    // plugin's workflow from a snapshot it has checked (cancelAtIamport): one call.
    const payment = await this.call("look up the payment", () => paymentOf(this.client_, expected))
    this.assertMatches(payment, expected)
    const asked = { key: refundId, amount: major, reason: "Refund requested in Medusa", refund_id: refundId }
    return { data: await this.gatedCancel(expected, payment, asked) }
  }

  async retrievePayment({ data }: RetrievePaymentInput): Promise<RetrievePaymentOutput> {
    const expected = readPaymentwallData(data)
    const payment = await this.call("look up the payment", () => paymentOf(this.client_, expected))
    return { data: withSnapshot(expected, payment) }
  }

  async getPaymentStatus({ data }: GetPaymentStatusInput): Promise<GetPaymentStatusOutput> {
    const expected = readPaymentwallData(data)
    const payment = await this.call("look up the payment", () => findAttempt(this.client_, expected.merchant_uid))
    if (!payment) {
      return { status: PaymentSessionStatus.PENDING, data: { ...expected } }
    }
    if (paymentMismatches(payment, expected, this.options_.mode).length) {
      return { status: PaymentSessionStatus.ERROR, data: { ...expected } }
    }
    return { status: SESSION_STATUS[payment.status], data: withSnapshot(expected, payment) }
  }

  /** i'mport keeps prepared amounts; there is nothing to delete there. */
  async deletePayment({ data }: DeletePaymentInput): Promise<DeletePaymentOutput> {
    return { data: data ?? {} }
  }

  async getWebhookActionAndData(payload: ProviderWebhookPayload["payload"]): Promise<WebhookActionResult> {
    return webhookAction(this.client_, this.options_, this.logger_, payload)
  }

  /** i'mport's payment, for the plugin's workflows (settlement, the settlement job, the admin). */
  async lookupPayment(impUid: string): Promise<IamportPayment> {
    return this.call("look up the payment", () => this.client_.getPayment(impUid))
  }

  /** Many payments at once, 100 per call. Unknown ids are left out. */
  async lookupPayments(impUids: readonly string[]): Promise<IamportPayment[]> {
    return this.call("look up payments", () => this.client_.getPayments(impUids))
  }

  /** Every attempt i'mport holds for a merchant_uid, newest first (one call): how a second paid attempt is found. */
  async lookupAttempts(merchantUid: string): Promise<IamportPayment[]> {
    return this.call("look up the payment's attempts", () => this.client_.findAllPayments(merchantUid))
  }

  /**
   * Reports a delivery status to Paymentwall through i'mport. A `response` that carries an error (Paymentwall's
   * own refusal inside i'mport's success envelope) is thrown like i'mport's refusals.
   */
  async confirmDelivery(request: PaymentwallDeliveryRequest): Promise<PaymentwallDeliveryResult> {
    const result = await this.call("report the delivery", () => this.client_.paymentwallDelivery(request))
    if (result && (result.error || result.error_code)) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Paymentwall refused the delivery report: ${result.error ?? result.error_code}`)
    }
    return result
  }

  /** The one reading of a notice (body, sender, allow-list) that the provider's webhook door also uses. */
  readNotice(payload: WebhookPayload): Notice {
    return readNotice(payload, this.options_.webhookAllowedIps)
  }

  /** Minutes after capture at which the test-payment cleanup cancels a test payment; null when it is off. */
  autoCancelTestPaymentsAfterMinutes(): number | null {
    return this.options_.autoCancelTestPaymentsAfterMinutes
  }

  /** How long a per-payment lock must live to outlast this provider's slowest i'mport calls (see lib/lock-ttl). */
  lockTtlSeconds(): number {
    return lockTtlSeconds(this.options_.timeoutMs, READ_RETRIES, RETRY_BASE_DELAY_MS)
  }

  /** Why i'mport's payment is not one this provider may act on (another PG, the other mode, a foreign merchant_uid). */
  ownershipProblems(payment: IamportPayment): string[] {
    return ownershipProblems(payment, this.options_.mode)
  }

  /**
   * One cancel request for the plugin's cancel tickets, checked against the balance less `reserved` and sent once:
   * from the snapshot `kept` when the caller knows it current (one i'mport call), else after a fresh read that also
   * checks the payment is ours. Never books anything in Medusa.
   */
  async cancelAtIamport(
    impUid: string,
    request: CancelRequest,
    kept: IamportSnapshot | null = null
  ): Promise<CancelOutcome> {
    const lookup = async () => {
      const payment = await this.lookupPayment(impUid)
      const problems = this.ownershipProblems(payment)
      if (problems.length) {
        throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Cannot cancel i'mport payment ${impUid}: ${problems.join("; ")}`)
      }
      return payment
    }
    return this.call("cancel the payment", () => cancelFromView(this.client_, viewOfSnapshot(kept, impUid), lookup, request))
  }

  /** Registers the amount with i'mport so the widget refuses to charge any other. */
  protected async register(merchantUid: string, amount: number, currency: string, kind: "new" | "existing"): Promise<void> {
    await this.call("register the payment amount", () => registerAmount(this.client_, merchantUid, amount, currency, kind))
  }

  protected assertMatches(payment: IamportPayment, expected: PaymentwallData): void {
    assertMatches(payment, expected, this.options_.mode, this.logger_)
  }

  /**
   * The money gate for every cancel Medusa asks this provider for (a core workflow's refund, an order cancel, a
   * store's own code): under the payment's gate, what is free is decided against i'mport's balance read just now and
   * every ticket still waiting at Paymentwall, and the request is saved as a ticket before i'mport hears of it (see
   * lib/provider-reservations). A request beyond what is free is refused with the figures and never sent. The
   * answer is recorded on the ticket and, under `key`, in the data Medusa keeps.
   */
  protected async gatedCancel(
    data: PaymentwallData & Record<string, unknown>,
    payment: IamportPayment,
    asked: { key: string; amount: number; reason: string; refund_id: string | null }
  ): Promise<Record<string, unknown>> {
    const sessionId = sessionIdFromMerchantUid(data.merchant_uid)
    if (!sessionId) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `${data.merchant_uid} is not a merchant_uid this provider made; nothing was sent to i'mport.`)
    }
    const gate = providerReservations(this.container as Record<string, unknown>)
    const reservation = await gate.reserve({ session_id: sessionId, iamport: payment, currency: data.currency, lease_seconds: this.lockTtlSeconds(), ...asked })
    if (reservation.kind === "known") {
      // Asked already under this key (a retry after a crash): never cancel twice. The ticket tracks it.
      return data
    }
    const ticketId = reservation.ticket_id
    let outcome: CancelOutcome
    try {
      outcome = await this.call("cancel the payment", () =>
        sendCancel(this.client_, viewOf(payment), { amount: asked.amount, reason: asked.reason, reserved: reservation.free.waiting.toNumber() })
      )
    } catch (error) {
      await this.failTicket(gate, ticketId, errorMessage(error), error)
      return data
    }
    if (outcome.kind === "refused") {
      await this.failTicket(gate, ticketId, outcome.message, new MedusaError(MedusaError.Types.NOT_ALLOWED, `i'mport refused to cancel the payment: ${outcome.message}`))
      return data
    }
    // The cancel may have gone out: from here on nothing throws, or Medusa would delete the Refund its ticket names.
    const historyBefore = [...new Set([...reservation.history_before, ...outcome.history_before])]
    if (outcome.kind === "unknown") {
      this.logger_.warn(`iamport-paymentwall: cancel of ${payment.imp_uid} has an unknown outcome: ${outcome.message}`)
    }
    try {
      await gate.record(
        ticketId,
        outcome.kind === "unknown"
          ? { kind: "unanswered", error: outcome.message, history_before: historyBefore }
          : { kind: "waiting", history_before: historyBefore, cancellation_id: outcome.kind === "completed" ? outcome.entry.key : null }
      )
    } catch (error) {
      // The ticket stays `requested` with the Refund's id: settlement ties it to i'mport's answer, or the job flags it.
      this.logger_.error(`iamport-paymentwall: the answer to cancel ticket ${ticketId} of ${payment.imp_uid} could not be recorded: ${errorMessage(error)}`)
    }
    return withCancelRecord(data, data.currency, outcome, { key: asked.key, amount: asked.amount, reason: asked.reason })
  }

  /**
   * Nothing was accepted: the ticket fails and `error` is thrown, so Medusa deletes its Refund. Unless a settlement
   * settled the ticket meanwhile against a cancellation i'mport shows (record answers false): its Refund must stand,
   * and the provider returns as if done (the caller's data is returned unchanged).
   */
  protected async failTicket(gate: ProviderReservations, ticketId: string, message: string, error: unknown): Promise<void> {
    if (await gate.record(ticketId, { kind: "failed", error: message })) {
      throw error
    }
    this.logger_.warn(`iamport-paymentwall: cancel ticket ${ticketId} was settled by i'mport's history while its request failed (${message}); its refund stands.`)
  }

  protected async call<T>(doing: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action()
    } catch (error) {
      throw toMedusaError(error, doing)
    }
  }
}

export default IamportPaymentwallProviderService
