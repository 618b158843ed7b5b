import { defineWidgetConfig } from "@medusajs/admin-sdk"
import type { AdminOrder, DetailWidgetProps } from "@medusajs/framework/types"
import { Button, Container, Heading, Text, toast } from "@medusajs/ui"
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { useEffect, useRef } from "react"
import { useTranslation } from "react-i18next"
import { DeliveryRows } from "../components/delivery-rows"
import { ExtraAttemptRows } from "../components/extra-attempt-rows"
import { WaitingBanner } from "../components/waiting-banner"
import { PaymentSummary } from "../components/payment-summary"
import { type TicketAction, TicketRow } from "../components/ticket-row"
import { paymentwallApi, paymentwallQueryKey } from "../lib/api"
import { formatDate } from "../lib/format"
import { hasPaymentwallPayment, POLL_MS } from "../lib/order"
import { waitingTickets } from "../lib/waiting"
import type { OrderView } from "../lib/types"

function awaiting(view: OrderView | undefined): boolean {
  return waitingTickets(view).length > 0
}

/** A delivery report still to be sent: the outbox's next run changes it. */
function reporting(view: OrderView | undefined): boolean {
  return !!view?.payments.some((p) => (p.deliveries ?? []).some((d) => d.state === "pending"))
}

/** A second payment's cancel sent and not settled yet: the next notice or job run changes it. */
function cancellingAttempt(view: OrderView | undefined): boolean {
  return !!view?.payments.some((p) =>
    (p.extra_attempts ?? []).some((a) => a.status === "cancel_requested" || a.status === "waiting_for_cancellation")
  )
}

/** Fingerprint of the tickets' states: when it changes, Medusa's own order data (refunds) changed too. */
function ticketStates(view: OrderView | undefined): string {
  return (view?.payments ?? []).flatMap((p) => p.tickets.map((t) => `${t.id}:${t.status}`)).join(",")
}

/** Keyed by the order: the dashboard may reuse the widget when the admin moves to another order, and its refs are per order. */
const PaymentwallOrderWidget = ({ data: order }: DetailWidgetProps<AdminOrder>) => (
  <OrderWidget key={order.id} order={order} />
)

const OrderWidget = ({ order }: { order: AdminOrder }) => {
  const { t, i18n } = useTranslation()
  const queryClient = useQueryClient()
  const show = hasPaymentwallPayment(order)
  const firstLoad = useRef(true)

  const { data, isLoading, error } = useQuery({
    queryKey: paymentwallQueryKey(order.id),
    // i'mport is asked on the first load; polls and refreshes read what the store knows.
    queryFn: () => {
      const live = firstLoad.current
      firstLoad.current = false
      return paymentwallApi.order(order.id, live)
    },
    enabled: show,
    refetchInterval: (query) =>
      awaiting(query.state.data) || reporting(query.state.data) || cancellingAttempt(query.state.data)
        ? POLL_MS
        : false,
  })

  const states = ticketStates(data)
  const previous = useRef(states)
  useEffect(() => {
    if (previous.current && previous.current !== states) {
      // A ticket settled: the order's refunds and payment status changed with it, and so did i'mport's view.
      firstLoad.current = true
      void queryClient.invalidateQueries({ queryKey: ["orders", "detail", order.id] })
    }
    previous.current = states
  }, [states, order.id, queryClient])

  // A ticket that appears while the page is open is the admin's refund just sent: the stock toast has said
  // "successful", so the plugin says what really happened, in a toast seen wherever the page is scrolled.
  const known = useRef<Set<string> | null>(null)
  useEffect(() => {
    if (!data) {
      return
    }
    const fresh = known.current ? waitingTickets(data).filter((ticket) => !known.current?.has(ticket.id)) : []
    known.current = new Set([
      ...(known.current ?? []),
      ...data.payments.flatMap((p) => p.tickets.map((ticket) => ticket.id)),
    ])
    if (fresh.length) {
      toast.info(t("iamportPaymentwall.waitingTitle"), { description: t("iamportPaymentwall.waitingToast") })
    }
  }, [data, t])

  const refresh = () => queryClient.invalidateQueries({ queryKey: ["orders", "detail", order.id] })
  const check = useMutation({
    mutationFn: async () => {
      for (const payment of data?.payments ?? []) {
        await paymentwallApi.settle(payment.id)
      }
      firstLoad.current = true
    },
    onSuccess: () => {
      toast.success(t("iamportPaymentwall.checked"))
      void refresh()
    },
    onError: (e: Error) => toast.error(t("iamportPaymentwall.checkFailed"), { description: e.message }),
  })
  const action = useMutation({
    mutationFn: ({ kind, id, note }: { kind: TicketAction; id: string; note?: string }) =>
      kind === "close" ? paymentwallApi.close(id, note) : paymentwallApi[kind](id),
    onSuccess: (_r, { kind }) => {
      toast.success(t(`iamportPaymentwall.done.${kind}`))
      void refresh()
    },
    onError: (e: Error) => toast.error(t("iamportPaymentwall.actionFailed"), { description: e.message }),
  })

  const cancelAttempt = useMutation({
    mutationFn: (id: string) => paymentwallApi.cancelAttempt(id),
    onSuccess: () => {
      toast.success(t("iamportPaymentwall.extraAttempt.done"))
      firstLoad.current = true
      void refresh()
    },
    onError: (e: Error) => toast.error(t("iamportPaymentwall.actionFailed"), { description: e.message }),
  })

  if (!show) {
    return null
  }
  return (
    <Container className="divide-y p-0" data-testid="paymentwall-widget">
      <div className="flex items-center justify-between px-6 py-4">
        <Heading level="h2">{t("iamportPaymentwall.title")}</Heading>
        <Button size="small" variant="secondary" isLoading={check.isPending} onClick={() => check.mutate()}>
          {t("iamportPaymentwall.checkNow")}
        </Button>
      </div>
      <WaitingBanner tickets={waitingTickets(data)} />
      {isLoading && (
        <div className="px-6 py-4">
          <Text size="small" className="text-ui-fg-subtle">
            …
          </Text>
        </div>
      )}
      {error && (
        <div className="px-6 py-4">
          <Text size="small" className="text-ui-fg-error">
            {error.message}
          </Text>
        </div>
      )}
      {data?.payments.map((payment) => (
        <div key={payment.id} className="divide-y">
          <PaymentSummary payment={payment} />
          <ExtraAttemptRows
            attempts={payment.extra_attempts ?? []}
            busy={cancelAttempt.isPending}
            onCancel={(id) => cancelAttempt.mutate(id)}
          />
          {payment.auto_cancel_at && (
            <div className="bg-ui-tag-orange-bg px-6 py-3" data-testid="paymentwall-auto-cancel">
              <Text size="small">
                {t("iamportPaymentwall.autoCancel", { when: formatDate(payment.auto_cancel_at, i18n.language) })}
              </Text>
            </div>
          )}
          {awaiting(data) && (
            <div className="bg-ui-bg-subtle px-6 py-3" data-testid="paymentwall-waiting-explained">
              <Text size="small" className="text-ui-fg-subtle">
                {t("iamportPaymentwall.waitingExplained")}
              </Text>
            </div>
          )}
          <div className="px-6 pt-4">
            <Text size="small" weight="plus" leading="compact">
              {t("iamportPaymentwall.tickets")}
            </Text>
          </div>
          {payment.tickets.length === 0 ? (
            <div className="px-6 pb-4 pt-2">
              <Text size="small" className="text-ui-fg-subtle">
                {t("iamportPaymentwall.noTickets")}
              </Text>
            </div>
          ) : (
            <div className="divide-y">
              {payment.tickets.map((ticket) => (
                <TicketRow
                  key={ticket.id}
                  ticket={ticket}
                  busy={action.isPending}
                  onAction={(kind, id, note) => action.mutate({ kind, id, note })}
                />
              ))}
            </div>
          )}
          <DeliveryRows deliveries={payment.deliveries ?? []} />
        </div>
      ))}
    </Container>
  )
}

/**
 * Medusa 2.21's LayoutComposer ignores the .before/.after suffix (dashboard-app getWidgetsForSections): a plugin's
 * widget goes after core's sections of its column, and an admin can move it with the layout customizer. The main
 * column is where the Payment section and its Refund form are; the toast above reaches the admin wherever the page
 * is scrolled.
 */
export const config = defineWidgetConfig({
  zone: "order.details.after",
})

export default PaymentwallOrderWidget
