import { model } from "@medusajs/framework/utils"

/**
 * i'mport's last word on a Medusa payment, as the plugin's latest look-up read it (lib/paymentwall/payment-data.ts,
 * IamportSnapshot): what the admin widget shows and an admin refund may send from. Kept here rather than in core's
 * payment.data, which only the provider's answers to Medusa write; the one there from capture is the fallback while a
 * payment has no row yet. One row per payment, only ever replaced by a newer read of the same i'mport payment.
 */
const PaymentSnapshot = model
  .define("iamport_pw_payment_snapshot", {
    id: model.id({ prefix: "pwsn" }).primaryKey(),
    payment_id: model.text(),
    imp_uid: model.text(),
    /** When the read began: a slower, older read never replaces a newer one. */
    checked_at: model.dateTime(),
    snapshot: model.json(),
  })
  .indexes([
    {
      name: "IDX_iamport_pw_payment_snapshot_payment_unique",
      on: ["payment_id"],
      unique: true,
      where: "deleted_at IS NULL",
    },
  ])

export default PaymentSnapshot
