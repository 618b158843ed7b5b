/**
 * Medusa 2.21 RBAC policies for the plugin's admin routes and the core routes it intercepts. Medusa checks them
 * only in a store that turns the `rbac` feature flag on (MEDUSA_FF_RBAC=true); without it every admin may act, as in
 * core. Resources and operations are core's own, so a store's roles need nothing plugin-specific: looking needs
 * read on orders and payments, acting on a payment needs update on payments, and sending money again needs create
 * on refunds, as Medusa's own refund route does.
 */
type Policy = { resource: string; operation: string }

export const READ_PAYMENTWALL: Policy[] = [
  { resource: "order", operation: "read" },
  { resource: "payment", operation: "read" },
]

/** Check with i'mport now, dismiss, keep waiting, confirm a rejection: they change the payment's bookkeeping. */
export const WRITE_PAYMENTWALL: Policy[] = [...READ_PAYMENTWALL, { resource: "payment", operation: "update" }]

/** Retry sends a refund to i'mport again; cancelling a second paid attempt sends money back too. */
export const SEND_REFUND: Policy[] = [...WRITE_PAYMENTWALL, { resource: "refund", operation: "create" }]

/** The refund interception answers in place of core's route, so it must ask what core's route asks. */
export const CORE_REFUND: Policy[] = [{ resource: "refund", operation: "create" }]

/** The order-cancel guard runs before core's route, which asks this. */
export const CORE_ORDER_UPDATE: Policy[] = [{ resource: "order", operation: "update" }]
