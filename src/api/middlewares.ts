import { defineMiddlewares } from "@medusajs/framework/http"
import { refundAsCancelTicket } from "./admin/payments/refund-as-cancel-ticket"

export default defineMiddlewares({
  routes: [
    {
      matcher: "/admin/payments/:id/refund",
      methods: ["POST"],
      middlewares: [refundAsCancelTicket],
    },
  ],
})
