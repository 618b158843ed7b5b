import { Button, StatusBadge, Text } from "@medusajs/ui"
import { useTranslation } from "react-i18next"
import { formatDuration, formatMoney } from "../lib/format"
import type { Ticket } from "../lib/types"

type Color = "green" | "red" | "orange" | "grey" | "blue"

const COLORS: Record<Ticket["status"], Color> = {
  requested: "orange",
  waiting_for_cancellation: "orange",
  completed: "green",
  rejected: "red",
  failed: "red",
}

export function TicketRow({
  ticket,
  onRetry,
  onDismiss,
  busy,
}: {
  ticket: Ticket
  onRetry: (id: string) => void
  onDismiss: (id: string) => void
  busy: boolean
}) {
  const { t, i18n } = useTranslation()
  const lang = i18n.language
  const settled = ticket.settled_at
  const since = ticket.waiting_since ?? ticket.requested_at
  const retryable = ticket.origin === "admin" && (ticket.status === "requested" || ticket.status === "failed")
  return (
    <div className="flex flex-col gap-y-2 px-6 py-4" data-testid="paymentwall-ticket" data-status={ticket.status}>
      <div className="flex items-center justify-between gap-x-4">
        <div className="flex items-center gap-x-2">
          <StatusBadge color={COLORS[ticket.status]}>{t(`iamportPaymentwall.ticketStatus.${ticket.status}`)}</StatusBadge>
          {ticket.needs_attention && <StatusBadge color="red">{t("iamportPaymentwall.ticketStatus.needs_attention")}</StatusBadge>}
        </div>
        <Text size="small" weight="plus" leading="compact">
          {formatMoney(ticket.amount, ticket.currency_code, lang)}
        </Text>
      </div>
      <Text size="small" className="text-ui-fg-subtle">
        {t(`iamportPaymentwall.origin.${ticket.origin}`)} ·{" "}
        {ticket.requested_by
          ? t("iamportPaymentwall.requestedBy", { who: ticket.requested_by.email ?? ticket.requested_by.id })
          : t("iamportPaymentwall.requestedBySystem")}{" "}
        ·{" "}
        {settled
          ? t("iamportPaymentwall.settledAfter", { duration: formatDuration(since, settled, lang) })
          : t("iamportPaymentwall.waited", { duration: formatDuration(since, null, lang) })}
      </Text>
      {/* The reason sent to i'mport is the note when there is one: show it once. */}
      {(ticket.refund_reason || (ticket.reason && ticket.reason !== ticket.note)) && (
        <Text size="small" className="text-ui-fg-subtle">
          {t("iamportPaymentwall.reason")}: {ticket.refund_reason ?? ticket.reason}
        </Text>
      )}
      {ticket.note && (
        <Text size="small" className="text-ui-fg-subtle">
          {t("iamportPaymentwall.note")}: {ticket.note}
        </Text>
      )}
      {ticket.error && (
        <Text size="small" className="text-ui-fg-error" data-testid="paymentwall-ticket-message">
          {t("iamportPaymentwall.message")}: {ticket.error}
        </Text>
      )}
      {(retryable || ticket.needs_attention) && (
        <div className="flex justify-end gap-x-2">
          {ticket.needs_attention || ticket.status === "requested" ? (
            <Button size="small" variant="secondary" disabled={busy} onClick={() => onDismiss(ticket.id)}>
              {t("iamportPaymentwall.dismiss")}
            </Button>
          ) : null}
          {retryable && (
            <Button size="small" variant="secondary" disabled={busy} onClick={() => onRetry(ticket.id)}>
              {t("iamportPaymentwall.retry")}
            </Button>
          )}
        </div>
      )}
    </div>
  )
}
