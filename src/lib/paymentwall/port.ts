import type { IamportPayment, PaymentwallDeliveryRequest, PaymentwallDeliveryResult } from "../iamport/types"
import type { CancelOutcome, CancelRequest } from "./cancel"
import type { IamportSnapshot } from "./payment-data"
import type { PaymentReads, PaymentView } from "./payment-view"
import type { Notice, WebhookPayload } from "./webhook-body"

/**
 * What the plugin's workflows, routes, subscribers and jobs may ask of a registered provider: i'mport and
 * Paymentwall with the store's own credentials and options. The provider implements it; the one adapter that reaches
 * the registered instance (providers/iamport-paymentwall/registered-provider) hands it out, so nothing else imports
 * the provider.
 */
export interface PaymentwallPort {
  /** The payment as settlement reads it (payment-view.ts): the transport's answer, mapped once. */
  readPayment(id: string): Promise<PaymentView>
  /** Many at once, as readPayment; unknown ids are left out. */
  readPayments(ids: readonly string[]): Promise<PaymentReads>
  lookupPayment(impUid: string): Promise<IamportPayment>
  /** Many payments at once, 100 per call. Unknown ids are left out. */
  lookupPayments(impUids: readonly string[]): Promise<IamportPayment[]>
  /** Every attempt i'mport holds for a merchant_uid, newest first. */
  lookupAttempts(merchantUid: string): Promise<IamportPayment[]>
  /** Why i'mport's payment is not one this provider may act on (another PG, the other mode, a foreign merchant_uid). */
  ownershipProblems(payment: IamportPayment | PaymentView): string[]
  /** Sends one cancel to i'mport within what is free, from the kept snapshot when it is current. */
  cancelAtIamport(impUid: string, request: CancelRequest, kept?: IamportSnapshot | null): Promise<CancelOutcome>
  confirmDelivery(request: PaymentwallDeliveryRequest): Promise<PaymentwallDeliveryResult>
  /** One reading of an unauthenticated notice: what it names, and who sent it. */
  readNotice(payload: WebhookPayload): Notice
  lockTtlSeconds(): number
  autoCancelTestPaymentsAfterMinutes(): number | null
}
