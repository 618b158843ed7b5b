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
import {
  AbstractPaymentProvider,
  MedusaError,
  PaymentActions,
  PaymentSessionStatus,
} from "@medusajs/framework/utils"
import { randomUUID } from "node:crypto"
import { IamportClient, READ_RETRIES, RETRY_BASE_DELAY_MS } from "../../lib/iamport/client"
import { lockTtlSeconds } from "../../lib/lock-ttl"
import { IamportNotFoundError, IamportRefusedError } from "../../lib/iamport/errors"
import type { IamportPayment } from "../../lib/iamport/types"
import { minusAmount, sameAmount, supportedCurrency, toDecimal, toIamportAmount } from "../../lib/money"
import { buyerFrom } from "./buyer"
import { type CancelOutcome, sendCancel } from "./cancel"
import { toMedusaError } from "./medusa-error"
import { resolveOptions, type IamportPaymentwallOptions, type ResolvedOptions } from "./options"
import {
  type CancelRequestRecord,
  merchantUidFor,
  RECORD_ONLY_KEY,
  type RecordOnlyMarker,
  type PaymentwallData,
  readPaymentwallData,
  sessionIdFromMerchantUid,
  withSnapshot,
} from "./payment-data"
import { channelMismatches, paymentMismatches } from "./verify"
import { parseWebhookBody, webhookSourceIp, type WebhookPayload } from "./webhook-body"

type Dependencies = { logger: Logger }

/**
 * Medusa payment provider for i'mport (PortOne V1) on its Paymentwall channel.
 * A paid Paymentwall payment is a sale, so "paid" maps to `captured`; Medusa never calls capturePayment for it.
 * i'mport is the source of truth: every decision is taken on a fresh REST lookup, never on what a browser or a
 * webhook body says.
 */
export class IamportPaymentwallProviderService extends AbstractPaymentProvider<IamportPaymentwallOptions> {
  static identifier = "iamport-paymentwall"

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
    const sessionData: PaymentwallData = {
      ...(sessionId ? { session_id: sessionId } : {}),
      merchant_uid: merchantUid,
      amount: major,
      currency,
      imp_code: this.options_.impCode,
      channel_key: this.options_.channelKey ?? null,
      pg: this.options_.channelKey ? null : this.options_.pg ?? null,
      name: this.options_.orderName,
      buyer_email: buyer.email,
      buyer_name: buyer.name,
      mode: this.options_.mode,
      // Medusa merges the storefront's data under ours: every key the provider reads later is set here, so a
      // buyer cannot plant one (a record-only marker, an imp_uid) in the session.
      imp_uid: null,
      iamport: null,
      cancel_requests: null,
      [RECORD_ONLY_KEY]: null,
    }
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
    const payment = await this.call("look up the payment", () => this.findAttempt(expected.merchant_uid))
    if (!payment) {
      // The buyer has not finished the widget, or Paymentwall's pingback has not reached i'mport yet.
      return { status: PaymentSessionStatus.PENDING_AUTHORIZATION, data: { ...expected } }
    }
    this.assertMatches(payment, expected)
    switch (payment.status) {
      case "paid":
        return { status: PaymentSessionStatus.CAPTURED, data: withSnapshot(expected, payment) }
      case "ready":
        return { status: PaymentSessionStatus.PENDING_AUTHORIZATION, data: withSnapshot(expected, payment) }
      case "failed":
        throw new MedusaError(
          MedusaError.Types.PAYMENT_AUTHORIZATION_ERROR,
          `Paymentwall did not complete the payment: ${payment.fail_reason || "no reason given"}`
        )
      default:
        throw new MedusaError(
          MedusaError.Types.PAYMENT_AUTHORIZATION_ERROR,
          `The i'mport payment ${payment.imp_uid} is already ${payment.status}: ${payment.cancel_reason || "cancelled"}`
        )
    }
  }

  /** A Paymentwall payment is captured when paid; this re-verifies and records, and moves no money. */
  async capturePayment({ data }: CapturePaymentInput): Promise<CapturePaymentOutput> {
    const expected = readPaymentwallData(data)
    const payment = await this.call("look up the payment", () => this.paymentOf(expected))
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
    const payment = await this.call("look up the payment", () => this.findAttempt(expected.merchant_uid))
    if (!payment) {
      return { data: { ...expected } }
    }
    const key = keyFor(payment.imp_uid)
    const nothingLeft = !minusAmount(payment.amount, payment.cancel_amount).isGreaterThan(0)
    if (payment.status !== "paid" || nothingLeft || expected.cancel_requests?.[key]) {
      return { data: withSnapshot(expected, payment) }
    }
    return { data: await this.requestCancel(expected, payment, payment.amount, key, "Payment canceled in Medusa") }
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
      return { data: recordOnly(expected, marker, amount, refundId) }
    }
    const payment = await this.call("look up the payment", () => this.paymentOf(expected))
    this.assertMatches(payment, expected)
    const major = toIamportAmount(amount, payment.currency)
    return { data: await this.requestCancel(expected, payment, major, refundId, "Refund requested in Medusa") }
  }

  async retrievePayment({ data }: RetrievePaymentInput): Promise<RetrievePaymentOutput> {
    const expected = readPaymentwallData(data)
    const payment = await this.call("look up the payment", () => this.paymentOf(expected))
    return { data: withSnapshot(expected, payment) }
  }

  async getPaymentStatus({ data }: GetPaymentStatusInput): Promise<GetPaymentStatusOutput> {
    const expected = readPaymentwallData(data)
    const payment = await this.call("look up the payment", () => this.findAttempt(expected.merchant_uid))
    if (!payment) {
      return { status: PaymentSessionStatus.PENDING, data: { ...expected } }
    }
    if (paymentMismatches(payment, expected, this.options_.mode).length) {
      return { status: PaymentSessionStatus.ERROR, data: { ...expected } }
    }
    const status: Record<IamportPayment["status"], PaymentSessionStatus> = {
      ready: PaymentSessionStatus.PENDING_AUTHORIZATION,
      paid: PaymentSessionStatus.CAPTURED,
      failed: PaymentSessionStatus.ERROR,
      cancelled: PaymentSessionStatus.CANCELED,
    }
    return { status: status[payment.status], data: withSnapshot(expected, payment) }
  }

  /** i'mport keeps prepared amounts; there is nothing to delete there. */
  async deletePayment({ data }: DeletePaymentInput): Promise<DeletePaymentOutput> {
    return { data: data ?? {} }
  }

  async getWebhookActionAndData(payload: ProviderWebhookPayload["payload"]): Promise<WebhookActionResult> {
    const webhook = payload as WebhookPayload
    const ignore = (why: string): WebhookActionResult => {
      this.logger_.warn(`iamport-paymentwall: webhook ignored: ${why}`)
      return { action: PaymentActions.NOT_SUPPORTED }
    }
    const source = webhookSourceIp(webhook.headers)
    if (!this.acceptsWebhookSender(source)) {
      return ignore(`source address ${source ?? "unknown"} is not in webhookAllowedIps`)
    }
    const body = parseWebhookBody(webhook)
    if (!body.imp_uid) {
      return ignore("the body carries no imp_uid")
    }
    if (body.status === "cancelled") {
      // The plugin's own subscriber settles cancellations from its lookup under the payment's lock; a lookup here
      // too would cost a second i'mport call per notice and decide nothing (a cancellation captures no payment).
      return { action: PaymentActions.NOT_SUPPORTED }
    }

    let payment: IamportPayment
    try {
      payment = await this.client_.getPayment(body.imp_uid)
    } catch (error) {
      // Only i'mport's own 404 envelope means "no such payment"; a proxy's 404 page is not an answer about it.
      if (error instanceof IamportNotFoundError) {
        return ignore(`i'mport knows no payment ${body.imp_uid} (spoofed, or a test payment in live mode)`)
      }
      // Transient, or not i'mport answering at all: throwing lets an event bus with retries (Redis) try again.
      throw toMedusaError(error, "verify a webhook")
    }

    const sessionId = sessionIdFromMerchantUid(payment.merchant_uid)
    const problems = [
      ...this.ownershipProblems(payment),
      ...(body.merchant_uid && body.merchant_uid !== payment.merchant_uid
        ? [`the body says merchant_uid ${body.merchant_uid}, i'mport says ${payment.merchant_uid}`]
        : []),
    ]
    if (problems.length || !sessionId) {
      return ignore(`payment ${payment.imp_uid}: ${problems.join("; ")}`)
    }

    const amount = toDecimal(payment.amount).toNumber()
    switch (payment.status) {
      case "paid":
        // Also a late approval after Paymentwall's fraud review turned a failed payment into a paid one.
        return { action: PaymentActions.SUCCESSFUL, data: { session_id: sessionId, amount } }
      case "failed":
        return { action: PaymentActions.FAILED, data: { session_id: sessionId, amount } }
      case "ready":
        return { action: PaymentActions.PENDING, data: { session_id: sessionId, amount } }
      default:
        // Cancellations carry no session_id, so Medusa's own payment subscriber leaves them to this plugin's.
        return {
          action: PaymentActions.NOT_SUPPORTED,
          data: { imp_uid: payment.imp_uid, iamport_status: payment.status } as never,
        }
    }
  }

  /** i'mport's payment, for the plugin's workflows (settlement, reconciliation, the admin). */
  async lookupPayment(impUid: string): Promise<IamportPayment> {
    return this.call("look up the payment", () => this.client_.getPayment(impUid))
  }

  /** Many payments at once, 100 per call. Unknown ids are left out. */
  async lookupPayments(impUids: readonly string[]): Promise<IamportPayment[]> {
    return this.call("look up payments", () => this.client_.getPayments(impUids))
  }

  /** The optional allow-list of webhook senders (the address the plugin's hook middleware computed). */
  acceptsWebhookSender(source: string | undefined): boolean {
    const allowed = this.options_.webhookAllowedIps
    return !allowed.length || (!!source && allowed.includes(source))
  }

  /** How long a per-payment lock must live to outlast this provider's slowest i'mport calls (see lib/lock-ttl). */
  lockTtlSeconds(): number {
    return lockTtlSeconds(this.options_.timeoutMs, READ_RETRIES, RETRY_BASE_DELAY_MS)
  }

  /** Why i'mport's payment is not one this provider may act on (another PG, the other mode, a foreign merchant_uid). */
  ownershipProblems(payment: IamportPayment): string[] {
    return [
      ...(sessionIdFromMerchantUid(payment.merchant_uid) ? [] : [`merchant_uid ${payment.merchant_uid} was not made by this plugin`]),
      ...channelMismatches(payment, this.options_.mode),
    ]
  }

  /**
   * One cancel request for the plugin's cancel tickets: re-reads the payment, checks it is ours and the balance,
   * and sends the cancel once. Never books anything in Medusa.
   */
  async cancelAtIamport(impUid: string, amount: number, reason: string, reserved = 0): Promise<CancelOutcome> {
    const payment = await this.lookupPayment(impUid)
    const problems = this.ownershipProblems(payment)
    if (problems.length) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Cannot cancel i'mport payment ${impUid}: ${problems.join("; ")}`)
    }
    return this.call("cancel the payment", () => sendCancel(this.client_, payment, amount, reason, reserved))
  }

  /** Registers the amount with i'mport so the widget refuses to charge any other (POST, or PUT to change it). */
  protected async register(merchantUid: string, amount: number, currency: string, kind: "new" | "existing"): Promise<void> {
    const request = { merchant_uid: merchantUid, amount, currency }
    const [first, second] =
      kind === "new"
        ? [() => this.client_.preparePayment(request), () => this.client_.updatePreparedPayment(request)]
        : [() => this.client_.updatePreparedPayment(request), () => this.client_.preparePayment(request)]
    await this.call("register the payment amount", async () => {
      try {
        await first()
      } catch (error) {
        // A retried initiate finds its merchant_uid prepared already; an update may find none yet.
        if (!(error instanceof IamportRefusedError || error instanceof IamportNotFoundError)) {
          throw error
        }
        await second().catch(() => Promise.reject(error))
      }
    })
  }

  /** The paid attempt for a merchant_uid if any, else the newest attempt (one call in the usual, paid, case). */
  protected async findAttempt(merchantUid: string): Promise<IamportPayment | null> {
    return (await this.client_.findPayment(merchantUid, "paid")) ?? (await this.client_.findPayment(merchantUid))
  }

  protected async paymentOf(expected: PaymentwallData): Promise<IamportPayment> {
    if (expected.imp_uid) {
      return this.client_.getPayment(expected.imp_uid)
    }
    const payment = await this.findAttempt(expected.merchant_uid)
    if (!payment) {
      throw new MedusaError(MedusaError.Types.NOT_FOUND, `i'mport has no payment for ${expected.merchant_uid}.`)
    }
    return payment
  }

  protected assertMatches(payment: IamportPayment, expected: PaymentwallData): void {
    const problems = paymentMismatches(payment, expected, this.options_.mode)
    if (problems.length) {
      this.logger_.warn(
        `iamport-paymentwall: suspected tampering, payment ${payment.imp_uid} refused: ${problems.join("; ")}`
      )
      throw new MedusaError(
        MedusaError.Types.PAYMENT_AUTHORIZATION_ERROR,
        `The i'mport payment does not match this checkout: ${problems.join("; ")}.`
      )
    }
  }

  /**
   * Cancels at i'mport and records the request under `key` (Medusa's refund id, or the payment id for a void) in
   * the whole data, which Medusa stores in place of payment.data. A refusal throws with i'mport's reason; a lost
   * answer is recorded as `requested` with the error, because Medusa books these paths before asking anyone and
   * the plugin's tickets must keep tracking what i'mport may have accepted.
   */
  protected async requestCancel(
    data: PaymentwallData & Record<string, unknown>,
    payment: IamportPayment,
    amount: number,
    key: string,
    reason: string
  ): Promise<Record<string, unknown>> {
    const outcome = await this.call("cancel the payment", () => sendCancel(this.client_, payment, amount, reason))
    if (outcome.kind === "refused") {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `i'mport refused to cancel the payment: ${outcome.message}`)
    }
    const record: CancelRequestRecord = {
      amount,
      currency: payment.currency,
      status: outcome.kind === "completed" ? "completed" : outcome.kind === "accepted" ? "waiting_for_cancellation" : "requested",
      requested_at: new Date().toISOString(),
      reason,
      cancellation_id: outcome.kind === "completed" ? outcome.entry.key : null,
      ...(outcome.kind === "unknown" ? { error: outcome.message } : {}),
    }
    if (outcome.kind === "unknown") {
      this.logger_.warn(`iamport-paymentwall: cancel of ${payment.imp_uid} has an unknown outcome: ${outcome.message}`)
    }
    const base = outcome.kind === "unknown" ? withSnapshot(data, payment) : withSnapshot(data, outcome.payment)
    return { ...base, cancel_requests: { ...(data.cancel_requests ?? {}), [key]: record } }
  }

  protected async call<T>(doing: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action()
    } catch (error) {
      throw toMedusaError(error, doing)
    }
  }
}

/**
 * How long a record-only marker is honoured. The settlement sets it and books within seconds; an older one was left by
 * a booking that died, and honouring it would let a later genuine refund (an order cancel) skip i'mport.
 */
export const RECORD_ONLY_MAX_AGE_MS = 10 * 60 * 1000

/** The booking of a cancellation i'mport already shows: no call to i'mport, the marker cleared. */
function recordOnly(
  data: PaymentwallData & Record<string, unknown>,
  marker: RecordOnlyMarker,
  amount: RefundPaymentInput["amount"],
  refundId: string
): Record<string, unknown> {
  // The marker comes from stored JSON: set_at may be missing or not a string.
  const setAt: unknown = marker.set_at
  const setAtMs = typeof setAt === "string" ? Date.parse(setAt) : Number.NaN
  // Both ways: a marker dated ahead by a wrong clock would otherwise never go stale.
  if (!Number.isFinite(setAtMs) || Math.abs(Date.now() - setAtMs) > RECORD_ONLY_MAX_AGE_MS) {
    throw new MedusaError(
      MedusaError.Types.UNEXPECTED_STATE,
      `A settlement booking of i'mport cancellation ${String(marker.cancellation_id)} was interrupted: its record-only marker ` +
        `${typeof setAt === "string" ? `was set at ${setAt}` : "has no time"}, not within the last ${RECORD_ONLY_MAX_AGE_MS / 60_000} minutes. ` +
        `Run "Check with i'mport now" on this payment (it clears the marker) before retrying.`
    )
  }
  if (typeof marker.cancellation_id !== "string" || !sameAmount(marker.amount, amount)) {
    throw new MedusaError(
      MedusaError.Types.UNEXPECTED_STATE,
      `The record-only refund does not match the cancellation it books (${marker.cancellation_id}, ${marker.amount}).`
    )
  }
  const record: CancelRequestRecord = {
    amount: marker.amount,
    currency: data.currency,
    status: "completed",
    requested_at: new Date().toISOString(),
    reason: marker.reason ?? "",
    cancellation_id: marker.cancellation_id,
  }
  // The key is set to null, not removed: Medusa's update would keep a key that is merely missing.
  return { ...data, [RECORD_ONLY_KEY]: null, cancel_requests: { ...(data.cancel_requests ?? {}), [refundId]: record } }
}

export default IamportPaymentwallProviderService
