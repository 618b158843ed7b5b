/** i'mport V1 REST shapes (PortOne V1 OpenAPI `PaymentAnnotation` and friends). Extra fields are ignored. */

export type IamportEnvelope<T> = {
  code: number
  message: string | null
  response: T | null
}

export type IamportToken = {
  access_token: string
  /** UNIX seconds, server clock. */
  now: number
  /** UNIX seconds, server clock. */
  expired_at: number
}

export type IamportPaymentStatus = "ready" | "paid" | "cancelled" | "failed"

export type IamportCancelHistory = {
  /** Paymentwall's refund transaction; an entry may show none at first and get it later (see lib/cancel-history). */
  pg_tid: string | null
  amount: number
  cancelled_at: number
  reason: string
  /** i'mport's id for this cancellation; some implementations and proxies leave it out (see lib/cancel-history). */
  cancellation_id?: string | null
  receipt_url?: string
}

export type IamportPayment = {
  imp_uid: string
  merchant_uid: string
  amount: number
  cancel_amount: number
  currency: string
  status: IamportPaymentStatus
  sandbox: boolean
  pay_method?: string
  channel?: string
  pg_provider?: string
  pg_tid?: string
  pg_id?: string
  name?: string | null
  buyer_name?: string | null
  buyer_email?: string | null
  /** UNIX seconds; 0 when the event did not happen. */
  started_at?: number
  paid_at: number
  failed_at: number
  cancelled_at: number
  fail_reason?: string | null
  cancel_reason?: string | null
  receipt_url?: string | null
  cancel_history: IamportCancelHistory[]
  custom_data?: string | null
}

/** i'mport's paged list (`GET /payments/findAll/...`): one page of `list`, with the neighbouring page numbers (0: none). */
export type IamportPagedList<T> = {
  total: number
  previous: number
  next: number
  list: T[]
}

export type IamportPrepared = {
  merchant_uid: string
  amount: number
  currency?: string | null
}

export type IamportPrepareRequest = {
  merchant_uid: string
  amount: number
  currency: string
}

export type IamportCancelRequest = {
  imp_uid: string
  /** Major units; omitted means "cancel the rest". */
  amount?: number
  /** Our view of the refundable balance (amount - cancel_amount) before this cancel. */
  checksum?: number
  reason?: string
  enable_webhook?: boolean
}

export type PaymentwallDeliveryRequest = {
  imp_uid: string
  merchant_uid: string
  type: "physical" | "digital"
  status: "order_placed" | "order_shipped" | "delivering" | "delivered"
  estimated_delivery_datetime: number
  estimated_update_datetime: number
  refundable: "yes" | "no"
  shipping_address_email: string
  carrier_tracking_id?: string
  carrier_type?: string
  reason?: string
  details?: string
  shipping_address_country?: string
  shipping_address_city?: string
  shipping_address_zip?: string
  shipping_address_state?: string
  shipping_address_street?: string
  shipping_address_phone?: string
  shipping_address_firstname?: string
  shipping_address_lastname?: string
}

export type PaymentwallDeliveryResult = {
  success?: number
  error_code?: string
  error?: string
  notices?: string[]
}

/** What a V1 webhook body may carry. Every field is a hint: the payment is always looked up again. */
export type IamportWebhookBody = {
  imp_uid?: string
  merchant_uid?: string
  status?: string
  cancellation_id?: string
}
