import { defineMiddlewares, validateAndTransformBody } from "@medusajs/framework/http"
import { guardOrderCancel } from "./admin/orders/guard-order-cancel"
import { stampWebhookSender } from "./hooks/webhook-sender"
import { refundAsCancelTicket } from "./admin/payments/refund-as-cancel-ticket"
import {
  AdminPaymentwallAttemptCancel,
  AdminPaymentwallCheck,
  AdminPaymentwallTicketAction,
} from "./admin/iamport-paymentwall/validators"
import { CORE_ORDER_UPDATE, CORE_REFUND, READ_PAYMENTWALL, SEND_REFUND, WRITE_PAYMENTWALL } from "./policies"

export default defineMiddlewares({
  routes: [
    {
      // Medusa's hook route; the middleware acts on this plugin's providers only.
      matcher: "/hooks/payment/:provider",
      methods: ["POST"],
      middlewares: [stampWebhookSender],
    },
    {
      matcher: "/admin/payments/:id/refund",
      methods: ["POST"],
      middlewares: [refundAsCancelTicket],
      policies: CORE_REFUND,
    },
    {
      matcher: "/admin/orders/:id/cancel",
      methods: ["POST"],
      middlewares: [guardOrderCancel],
      policies: CORE_ORDER_UPDATE,
    },
    {
      matcher: "/admin/iamport-paymentwall/orders/:id",
      methods: ["GET"],
      policies: READ_PAYMENTWALL,
    },
    {
      matcher: "/admin/iamport-paymentwall/payments/:id/settle",
      methods: ["POST"],
      middlewares: [validateAndTransformBody(AdminPaymentwallCheck)],
      policies: WRITE_PAYMENTWALL,
    },
    {
      matcher: "/admin/iamport-paymentwall/tickets/:id/*",
      methods: ["POST"],
      middlewares: [validateAndTransformBody(AdminPaymentwallTicketAction)],
      policies: WRITE_PAYMENTWALL,
    },
    {
      matcher: "/admin/iamport-paymentwall/tickets/:id/retry",
      methods: ["POST"],
      policies: SEND_REFUND,
    },
    {
      // Writes money off for good (Medusa never books it), so it asks as much as a refund does.
      matcher: "/admin/iamport-paymentwall/tickets/:id/close",
      methods: ["POST"],
      policies: SEND_REFUND,
    },
    {
      // Sends money back at i'mport, as a refund does.
      matcher: "/admin/iamport-paymentwall/attempts/:id/cancel",
      methods: ["POST"],
      middlewares: [validateAndTransformBody(AdminPaymentwallAttemptCancel)],
      policies: SEND_REFUND,
    },
  ],
})
