import type { IamportPayment } from "../../iamport/types"

/** A paid Paymentwall test payment as i'mport V1 reports it, with what a test changes. */
export const v1Payment = (extra: Partial<IamportPayment> = {}): IamportPayment => ({
  imp_uid: "imp_1",
  merchant_uid: "pw_payses_0123456789",
  amount: 10000,
  cancel_amount: 0,
  currency: "KRW",
  status: "paid",
  sandbox: true,
  pg_provider: "paymentwall",
  pg_tid: "pw_tx_1",
  paid_at: 1_700_000_000,
  failed_at: 0,
  cancelled_at: 0,
  receipt_url: "https://receipts.invalid/1",
  cancel_history: [],
  ...extra,
})
