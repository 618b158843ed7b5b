import { Button, StatusBadge, Text, usePrompt } from "@medusajs/ui"
import { useTranslation } from "react-i18next"
import { formatDate, formatMoney } from "../lib/format"
import type { ExtraAttempt } from "../lib/types"

const COLORS: Record<ExtraAttempt["status"], "green" | "red" | "orange"> = {
  found: "red",
  cancel_requested: "orange",
  waiting_for_cancellation: "orange",
  cancelled: "green",
  failed: "red",
}

/** Cancellable: nothing was sent yet, or i'mport refused what was (a request in flight is never sent twice). */
const cancellable = (a: ExtraAttempt) => a.status === "found" || a.status === "failed"

/**
 * Second paid attempts of the order: money i'mport holds that Medusa never booked, so it shows nowhere else. A shop
 * admin cancels each at i'mport in full, after confirming.
 */
export function ExtraAttemptRows({
  attempts,
  busy,
  onCancel,
}: {
  attempts: ExtraAttempt[]
  busy: boolean
  onCancel: (id: string) => void
}) {
  const { t, i18n } = useTranslation()
  const prompt = usePrompt()
  const lang = i18n.language
  if (!attempts.length) {
    return null
  }
  const confirmCancel = async (attempt: ExtraAttempt) => {
    const confirmed = await prompt({
      variant: "danger",
      title: t("iamportPaymentwall.extraAttempt.confirmTitle"),
      description: t("iamportPaymentwall.extraAttempt.confirmDescription", {
        amount: formatMoney(attempt.amount, attempt.currency_code, lang),
        impUid: attempt.imp_uid,
      }),
      confirmText: t("iamportPaymentwall.extraAttempt.confirm"),
      cancelText: t("iamportPaymentwall.extraAttempt.keep"),
    })
    if (confirmed) {
      onCancel(attempt.id)
    }
  }
  return (
    <div className="flex flex-col gap-y-3 px-6 py-4" data-testid="paymentwall-extra-attempts">
      <Text size="small" weight="plus" leading="compact" className="text-ui-fg-error">
        {t("iamportPaymentwall.extraAttempt.title")}
      </Text>
      {attempts.map((attempt) => (
        <div
          key={attempt.id}
          className="flex flex-col gap-y-2"
          data-testid="paymentwall-extra-attempt"
          data-status={attempt.status}
        >
          <div className="flex items-center justify-between gap-x-4">
            <div className="flex items-center gap-x-2">
              <StatusBadge color={COLORS[attempt.status]}>
                {t(`iamportPaymentwall.extraAttempt.status.${attempt.status}`)}
              </StatusBadge>
              <Text size="small" leading="compact" className="font-mono">
                {attempt.imp_uid}
              </Text>
            </div>
            <Text size="small" weight="plus" leading="compact">
              {formatMoney(attempt.amount, attempt.currency_code, lang)}
            </Text>
          </div>
          {attempt.status !== "cancelled" && (
            <Text size="small" className="text-ui-fg-subtle">
              {t("iamportPaymentwall.extraAttempt.explained", { when: formatDate(attempt.found_at, lang) })}
            </Text>
          )}
          {attempt.error && (
            <Text size="small" className="text-ui-fg-error" data-testid="paymentwall-extra-attempt-message">
              {t("iamportPaymentwall.message")}: {attempt.error}
            </Text>
          )}
          {attempt.decided_at && (
            <Text size="small" className="text-ui-fg-subtle">
              {t("iamportPaymentwall.extraAttempt.decidedBy", {
                who: attempt.decided_by ?? "?",
                when: formatDate(attempt.decided_at, lang),
              })}
            </Text>
          )}
          {cancellable(attempt) && (
            <div className="flex justify-end">
              <Button size="small" variant="danger" disabled={busy} onClick={() => void confirmCancel(attempt)}>
                {t("iamportPaymentwall.extraAttempt.cancel")}
              </Button>
            </div>
          )}
        </div>
      ))}
    </div>
  )
}
