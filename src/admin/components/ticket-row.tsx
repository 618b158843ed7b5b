import { Button, StatusBadge, Text, Textarea, usePrompt } from "@medusajs/ui"
import { useState } from "react"
import { useTranslation } from "react-i18next"
import { formatDuration, formatMoney } from "../lib/format"
import type { Ticket } from "../lib/types"

type Color = "green" | "red" | "orange" | "grey" | "blue"

const COLORS: Record<Ticket["status"], Color> = {
  requested: "orange",
  waiting_for_cancellation: "orange",
  returned: "orange",
  completed: "green",
  closed: "grey",
  rejected: "red",
  failed: "red",
}

export type TicketAction = "retry" | "dismiss" | "confirmRejection" | "keepWaiting" | "bindApproval" | "close"

type OnAction = (kind: TicketAction, id: string, note?: string) => void

export function TicketRow({ ticket, onAction, busy }: { ticket: Ticket; onAction: OnAction; busy: boolean }) {
  const { t, i18n } = useTranslation()
  const prompt = usePrompt()
  const lang = i18n.language
  const settled = ticket.settled_at
  // It frees the reserved amount for new refunds: a person confirms they saw the rejection at Paymentwall.
  const confirmRejection = async () => {
    const confirmed = await prompt({
      variant: "danger",
      title: t("iamportPaymentwall.confirmRejectionTitle"),
      description: t("iamportPaymentwall.confirmRejectionDescription", {
        amount: formatMoney(ticket.amount, ticket.currency_code, lang),
      }),
      confirmText: t("iamportPaymentwall.confirmRejectionConfirm"),
      cancelText: t("iamportPaymentwall.cancelAction"),
    })
    if (confirmed) {
      onAction("confirmRejection", ticket.id)
    }
  }
  const since = ticket.waiting_since ?? ticket.requested_at
  const retryable = ticket.origin === "admin" && (ticket.status === "requested" || ticket.status === "failed")
  // Only a person can say Paymentwall rejected a ticket: a webhook cannot prove it.
  const suspected = ticket.status === "waiting_for_cancellation" && !!ticket.rejection_suspected_at
  // i'mport shows a cancellation of this amount with another reason: only a person can say it is this ticket's.
  const candidate =
    ticket.status === "waiting_for_cancellation" || ticket.status === "requested"
      ? ticket.metadata?.approval_candidate
      : undefined
  const dismissable = (ticket.needs_attention && !suspected && !candidate) || ticket.status === "requested"
  const matchedBy = ticket.metadata?.matched_by
  return (
    <div className="flex flex-col gap-y-2 px-6 py-4" data-testid="paymentwall-ticket" data-status={ticket.status}>
      <div className="flex items-center justify-between gap-x-4">
        <div className="flex items-center gap-x-2">
          <StatusBadge color={COLORS[ticket.status]}>
            {t(`iamportPaymentwall.ticketStatus.${ticket.status}`)}
          </StatusBadge>
          {suspected && (
            <StatusBadge color="red">{t("iamportPaymentwall.ticketStatus.rejection_suspected")}</StatusBadge>
          )}
          {ticket.needs_attention && !suspected && (
            <StatusBadge color="red">{t("iamportPaymentwall.ticketStatus.needs_attention")}</StatusBadge>
          )}
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
      {/* A suspected rejection has its own, translated, explanation below. */}
      {ticket.error && !suspected && !candidate && (
        <Text size="small" className="text-ui-fg-error" data-testid="paymentwall-ticket-message">
          {t("iamportPaymentwall.message")}: {ticket.error}
        </Text>
      )}
      {suspected && (
        <Text size="small" className="text-ui-fg-subtle" data-testid="paymentwall-suspected-explained">
          {t("iamportPaymentwall.suspectedExplained")}
        </Text>
      )}
      {candidate && (
        <Text size="small" className="text-ui-fg-subtle" data-testid="paymentwall-approval-candidate">
          {t("iamportPaymentwall.approvalCandidate", {
            amount: formatMoney(candidate.amount, ticket.currency_code, lang),
            reason: candidate.reason || "—",
          })}
        </Text>
      )}
      {matchedBy && ticket.status === "completed" && (
        <Text size="small" className="text-ui-fg-subtle" data-testid="paymentwall-matched-by">
          {t(`iamportPaymentwall.matchedBy.${matchedBy}`)}
        </Text>
      )}
      {ticket.status === "closed" && ticket.metadata?.close_reason && (
        <Text size="small" className="text-ui-fg-subtle" data-testid="paymentwall-close-reason">
          {t("iamportPaymentwall.closedBecause", { reason: ticket.metadata.close_reason })}
        </Text>
      )}
      {ticket.decided_at && (
        <Text size="small" className="text-ui-fg-subtle">
          {t(ticket.status === "closed" ? "iamportPaymentwall.closedBy" : "iamportPaymentwall.decidedBy", {
            who: ticket.decided_by ?? "?",
            when: new Date(ticket.decided_at).toLocaleString(lang),
          })}
        </Text>
      )}
      {ticket.status === "returned" && <CloseReturned ticketId={ticket.id} onAction={onAction} busy={busy} />}
      {(retryable || dismissable || candidate || ticket.status === "waiting_for_cancellation") && (
        <div className="flex justify-end gap-x-2">
          {ticket.status === "waiting_for_cancellation" && (
            <Button size="small" variant="danger" disabled={busy} onClick={() => void confirmRejection()}>
              {t("iamportPaymentwall.confirmRejection")}
            </Button>
          )}
          {candidate && (
            <Button size="small" variant="primary" disabled={busy} onClick={() => onAction("bindApproval", ticket.id)}>
              {t("iamportPaymentwall.bindApproval")}
            </Button>
          )}
          {(suspected || candidate) && (
            <Button size="small" variant="secondary" disabled={busy} onClick={() => onAction("keepWaiting", ticket.id)}>
              {t("iamportPaymentwall.keepWaiting")}
            </Button>
          )}
          {dismissable && (
            <Button size="small" variant="secondary" disabled={busy} onClick={() => onAction("dismiss", ticket.id)}>
              {t("iamportPaymentwall.dismiss")}
            </Button>
          )}
          {retryable && (
            <Button size="small" variant="secondary" disabled={busy} onClick={() => onAction("retry", ticket.id)}>
              {t("iamportPaymentwall.retry")}
            </Button>
          )}
        </div>
      )}
    </div>
  )
}

/**
 * A returned ticket whose obstacle can never clear (Medusa will never book it): a person closes it, saying why.
 * The money is already back with the buyer; closing only stops Medusa from trying to book it.
 */
function CloseReturned({ ticketId, onAction, busy }: { ticketId: string; onAction: OnAction; busy: boolean }) {
  const { t } = useTranslation()
  const [open, setOpen] = useState(false)
  const [note, setNote] = useState("")
  if (!open) {
    return (
      <div className="flex justify-end">
        <Button
          size="small"
          variant="secondary"
          disabled={busy}
          onClick={() => setOpen(true)}
          data-testid="paymentwall-close-open"
        >
          {t("iamportPaymentwall.close")}
        </Button>
      </div>
    )
  }
  return (
    <div className="flex flex-col gap-y-2" data-testid="paymentwall-close-form">
      <Text size="small" className="text-ui-fg-subtle">
        {t("iamportPaymentwall.closeExplained")}
      </Text>
      <Textarea
        value={note}
        onChange={(e) => setNote(e.target.value)}
        placeholder={t("iamportPaymentwall.closeNote")}
        maxLength={500}
      />
      <div className="flex justify-end gap-x-2">
        <Button size="small" variant="secondary" disabled={busy} onClick={() => setOpen(false)}>
          {t("iamportPaymentwall.cancelAction")}
        </Button>
        <Button
          size="small"
          variant="danger"
          disabled={busy || !note.trim()}
          onClick={() => onAction("close", ticketId, note.trim())}
        >
          {t("iamportPaymentwall.closeConfirm")}
        </Button>
      </div>
    </div>
  )
}
