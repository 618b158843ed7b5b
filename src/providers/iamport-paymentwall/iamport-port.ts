import type { Logger } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import { IamportClient, READ_RETRIES, RETRY_BASE_DELAY_MS } from "../../lib/iamport/client"
import type { IamportPayment, PaymentwallDeliveryRequest, PaymentwallDeliveryResult } from "../../lib/iamport/types"
import { lockTtlSeconds } from "../../lib/lock-ttl"
import { cancelFromView, type CancelOutcome, type CancelRequest, viewOfSnapshot } from "../../lib/paymentwall/cancel"
import { type IamportPaymentwallOptions, type ResolvedOptions, resolveOptions } from "../../lib/paymentwall/options"
import type { IamportSnapshot } from "../../lib/paymentwall/payment-data"
import type { PaymentwallPort } from "../../lib/paymentwall/port"
import type { PaymentReads, PaymentView } from "../../lib/paymentwall/payment-view"
import { assertSettleableAmounts, paymentViewOf } from "../../lib/paymentwall/v1/payment-view"
import { type Notice, readNotice, type WebhookPayload } from "../../lib/paymentwall/webhook-body"
import { toMedusaError } from "./medusa-error"
import { SavedMethodsRefused } from "./saved-methods"
import { ownershipProblems } from "./verify"

export type Dependencies = { logger: Logger }

/**
 * The provider's side that the plugin's own code uses (lib/paymentwall/port): i'mport and Paymentwall with the
 * store's credentials and options. The provider (service.ts) adds Medusa's provider contract on top.
 */
export abstract class IamportPort extends SavedMethodsRefused<IamportPaymentwallOptions> implements PaymentwallPort {
  protected readonly options_: ResolvedOptions
  protected readonly client_: IamportClient
  protected readonly logger_: Logger

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

  /** i'mport's payment as settlement reads it: V1's answer, mapped once (lib/paymentwall/v1/payment-view). */
  async readPayment(id: string): Promise<PaymentView> {
    return settleableViewOf(await this.lookupPayment(id))
  }

  /**
   * Many at once, 100 per i'mport call, as readPayment. Unknown ids are left out. Each is mapped on its own: a
   * figure that is not an amount (an entry's, or the payment's own) fails that payment's settlement, not the batch's.
   */
  async readPayments(ids: readonly string[]): Promise<PaymentReads> {
    const reads: PaymentReads = { payments: [], unreadable: [] }
    for (const payment of await this.lookupPayments(ids)) {
      try {
        reads.payments.push(settleableViewOf(payment))
      } catch (error) {
        reads.unreadable.push({ id: payment.imp_uid, error })
      }
    }
    return reads
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
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `Paymentwall refused the delivery report: ${result.error ?? result.error_code}`
      )
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
  ownershipProblems(payment: IamportPayment | PaymentView): string[] {
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
        throw new MedusaError(
          MedusaError.Types.NOT_ALLOWED,
          `Cannot cancel i'mport payment ${impUid}: ${problems.join("; ")}`
        )
      }
      return payment
    }
    return this.call("cancel the payment", () =>
      cancelFromView(this.client_, viewOfSnapshot(kept, impUid), lookup, request)
    )
  }

  protected async call<T>(doing: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action()
    } catch (error) {
      throw toMedusaError(error, doing)
    }
  }
}

/** V1's payment as settlement may plan from it: its own figures readable as amounts, then mapped. */
function settleableViewOf(payment: IamportPayment): PaymentView {
  assertSettleableAmounts(payment)
  return paymentViewOf(payment)
}
