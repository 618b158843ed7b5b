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
import { providerReservations } from "../../lib/provider-reservations"
import type { IamportPayment } from "../../lib/iamport/types"
import { PROVIDER_IDENTIFIER } from "../../lib/paymentwall/provider-id"
import { minusAmount, sameAmount, supportedCurrency, toIamportAmount } from "../../lib/money"
import { findAttempt, paymentOf, registerAmount } from "./attempts"
import { buyerFrom } from "../../lib/paymentwall/buyer"
import { sendCancel, viewOf } from "../../lib/paymentwall/cancel"
import { type AskedCancel, gatedCancel } from "./gated-cancel"
import { resolveOptions } from "../../lib/paymentwall/options"
import {
  merchantUidFor,
  newSessionData,
  type PaymentwallData,
  readPaymentwallData,
  withSnapshot,
} from "../../lib/paymentwall/payment-data"
import { recordBooking } from "./record-only"
import { IamportPort } from "./iamport-port"
import { authorizedStatus, SESSION_STATUS } from "./session-status"
import { assertMatches, paymentMismatches } from "./verify"
import { webhookAction } from "./webhook-action"

/**
 * Medusa payment provider for i'mport (PortOne V1) on its Paymentwall channel.
 * A paid Paymentwall payment is a sale, so "paid" maps to `captured`; Medusa never calls capturePayment for it.
 * i'mport is the source of truth: every decision is taken on a fresh REST lookup, never on what a browser or a
 * webhook body says.
 */
export class IamportPaymentwallProviderService extends IamportPort {
  static identifier = PROVIDER_IDENTIFIER

  static validateOptions(options: Record<string, unknown>): void {
    resolveOptions(options)
  }

  async initiatePayment({
    amount,
    currency_code,
    data,
    context,
  }: InitiatePaymentInput): Promise<InitiatePaymentOutput> {
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
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `The i'mport payment ${payment.imp_uid} is ${payment.status}, not paid.`
      )
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
    // A settlement's booking, or a refund that found its marker: recorded, never sent to i'mport.
    const recorded = await recordBooking(this.container, expected, amount, refundId)
    if (recorded) {
      return { data: recorded }
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

  /** Registers the amount with i'mport so the widget refuses to charge any other. */
  protected async register(
    merchantUid: string,
    amount: number,
    currency: string,
    kind: "new" | "existing"
  ): Promise<void> {
    await this.call("register the payment amount", () =>
      registerAmount(this.client_, merchantUid, amount, currency, kind)
    )
  }

  protected assertMatches(payment: IamportPayment, expected: PaymentwallData): void {
    assertMatches(payment, expected, this.options_.mode, this.logger_)
  }

  /** The money gate for every cancel Medusa asks this provider for (gated-cancel.ts). */
  protected async gatedCancel(
    data: PaymentwallData & Record<string, unknown>,
    payment: IamportPayment,
    asked: AskedCancel
  ): Promise<Record<string, unknown>> {
    const gate = providerReservations(this.container)
    const send = (request: Parameters<typeof sendCancel>[2]) =>
      this.call("cancel the payment", () => sendCancel(this.client_, viewOf(payment), request))
    return gatedCancel({ gate, send, logger: this.logger_, leaseSeconds: this.lockTtlSeconds() }, data, payment, asked)
  }
}

export default IamportPaymentwallProviderService
