import { defineMiddlewares, validateAndTransformBody } from "@medusajs/framework/http"
import { guardOrderCancel } from "./admin/orders/guard-order-cancel"
import { stampWebhookSender } from "./hooks/webhook-sender"
import { refundAsCancelTicket } from "./admin/payments/refund-as-cancel-ticket"
import { AdminPaymentwallCheck, AdminPaymentwallTicketAction } from "./admin/iamport-paymentwall/validators"

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
    },
    {
      matcher: "/admin/orders/:id/cancel",
      methods: ["POST"],
      middlewares: [guardOrderCancel],
    },
    {
      matcher: "/admin/iamport-paymentwall/payments/:id/settle",
      methods: ["POST"],
      middlewares: [validateAndTransformBody(AdminPaymentwallCheck)],
    },
    {
      matcher: "/admin/iamport-paymentwall/tickets/:id/*",
      methods: ["POST"],
      middlewares: [validateAndTransformBody(AdminPaymentwallTicketAction)],
    },
  ],
})
