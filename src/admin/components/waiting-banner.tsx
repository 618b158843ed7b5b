import { Heading, StatusBadge, Text } from "@medusajs/ui"
import { useTranslation } from "react-i18next"
import { formatDuration, formatMoney } from "../lib/format"
import type { Ticket } from "../lib/types"

/**
 * The truth after a refund from the stock form, at the top of the widget: the money waits with Paymentwall, and the
 * order shows no Refund until it returns. Loud on purpose, because the dashboard's own toast has said "successful".
 */
export function WaitingBanner({ tickets }: { tickets: Ticket[] }) {
  const { t, i18n } = useTranslation()
  if (!tickets.length) {
    return null
  }
  const lang = i18n.language
  const currencies = [...new Set(tickets.map((ticket) => ticket.currency_code))]
  const amount = currencies
    .map((currency) =>
      formatMoney(
        tickets.filter((x) => x.currency_code === currency).reduce((sum, x) => sum + x.amount, 0),
        currency,
        lang
      )
    )
    .join(" + ")
  const oldest = tickets.map((ticket) => ticket.waiting_since ?? ticket.requested_at).sort()[0]
  return (
    <div
      className="border-ui-tag-orange-border bg-ui-tag-orange-bg flex flex-col gap-y-2 border-l-4 px-6 py-4"
      data-testid="paymentwall-waiting-banner"
      role="status"
    >
      <div className="flex items-center gap-x-2">
        <StatusBadge color="orange">{t("iamportPaymentwall.ticketStatus.waiting_for_cancellation")}</StatusBadge>
        <Heading level="h2">{t("iamportPaymentwall.waitingTitle")}</Heading>
      </div>
      <Text size="small" className="text-ui-fg-base">
        {t("iamportPaymentwall.waitingSummary", {
          amount,
          count: tickets.length,
          duration: formatDuration(oldest, null, lang),
        })}
      </Text>
    </div>
  )
}
