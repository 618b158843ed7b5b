import { StatusBadge, Text } from "@medusajs/ui"
import { useTranslation } from "react-i18next"
import { formatDate } from "../lib/format"
import type { Delivery } from "../lib/types"

const STATE_COLOR = { pending: "orange", sent: "green", failed: "red" } as const

/** The delivery reports sent (or to be sent) to Paymentwall for one payment, with the outbox's state of each. */
export function DeliveryRows({ deliveries }: { deliveries: Delivery[] }) {
  const { t, i18n } = useTranslation()
  const lang = i18n.language
  return (
    <div className="flex flex-col gap-y-2 px-6 py-4" data-testid="paymentwall-deliveries">
      <Text size="small" weight="plus" leading="compact">
        {t("iamportPaymentwall.delivery.title")}
      </Text>
      {deliveries.length === 0 ? (
        <Text size="small" className="text-ui-fg-subtle">
          {t("iamportPaymentwall.delivery.none")}
        </Text>
      ) : (
        deliveries.map((d) => (
          <div
            key={d.id}
            className="flex flex-col gap-y-1"
            data-testid="paymentwall-delivery"
            data-status={d.status}
            data-state={d.state}
          >
            <div className="flex items-center justify-between gap-x-2">
              <Text size="small" leading="compact">
                {t(`iamportPaymentwall.delivery.status.${d.status}`)}
                {d.type === "digital" ? ` · ${t("iamportPaymentwall.delivery.digital")}` : ""}
                {d.carrier_tracking_id ? ` · ${d.carrier_type ?? ""} ${d.carrier_tracking_id}` : ""}
              </Text>
              <StatusBadge color={STATE_COLOR[d.state]}>
                {t(`iamportPaymentwall.delivery.state.${d.state}`)}
              </StatusBadge>
            </div>
            <Text size="xsmall" className="text-ui-fg-subtle">
              {d.state === "sent"
                ? t("iamportPaymentwall.delivery.sentAt", { when: formatDate(d.sent_at, lang) })
                : d.state === "pending" && d.attempts > 0
                  ? t("iamportPaymentwall.delivery.retryAt", {
                      when: formatDate(d.next_attempt_at, lang),
                      attempts: d.attempts,
                      error: d.last_error ?? "",
                    })
                  : d.state === "failed"
                    ? t("iamportPaymentwall.delivery.gaveUp", { attempts: d.attempts, error: d.last_error ?? "" })
                    : t("iamportPaymentwall.delivery.queued")}
            </Text>
          </div>
        ))
      )}
    </div>
  )
}
