import { defineWidgetConfig } from "@medusajs/admin-sdk"
import type { AdminOrder, DetailWidgetProps } from "@medusajs/framework/types"
import { Container, toast } from "@medusajs/ui"
import { useQuery } from "@tanstack/react-query"
import { useEffect, useRef } from "react"
import { useTranslation } from "react-i18next"
import { WaitingBanner } from "../components/waiting-banner"
import { paymentwallApi, paymentwallQueryKey } from "../lib/api"
import { hasPaymentwallPayment, POLL_MS } from "../lib/order"
import { waitingTickets } from "../lib/waiting"

/**
 * At the top of the order page (order.details.before): the stock Refund drawer closes onto this page with a
 * "successful" toast, and the top is what the admin sees first. The full panel stays below the payments
 * (order.details.after). Reads only what the store knows, so it costs no i'mport call.
 */
const PaymentwallWaitingWidget = ({ data: order }: DetailWidgetProps<AdminOrder>) => {
  const { t } = useTranslation()
  const show = hasPaymentwallPayment(order)
  const { data } = useQuery({
    queryKey: [...paymentwallQueryKey(order.id), "waiting"],
    queryFn: () => paymentwallApi.order(order.id, false),
    enabled: show,
    refetchInterval: (query) => (waitingTickets(query.state.data).length ? POLL_MS : false),
  })
  const waiting = waitingTickets(data)

  // A ticket that appears while the page is open is the admin's refund just sent: say what really happened.
  const known = useRef<Set<string> | null>(null)
  useEffect(() => {
    if (!data) {
      return
    }
    const fresh = known.current ? waiting.filter((ticket) => !known.current?.has(ticket.id)) : []
    known.current = new Set([...(known.current ?? []), ...data.payments.flatMap((p) => p.tickets.map((ticket) => ticket.id))])
    if (fresh.length) {
      toast.info(t("iamportPaymentwall.waitingTitle"), { description: t("iamportPaymentwall.waitingToast") })
    }
  }, [data, waiting, t])

  if (!show || !waiting.length) {
    return null
  }
  return (
    <Container className="overflow-hidden p-0">
      <WaitingBanner tickets={waiting} />
    </Container>
  )
}

export const config = defineWidgetConfig({
  zone: "order.details.before",
})

export default PaymentwallWaitingWidget
