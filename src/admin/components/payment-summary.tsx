import { Badge, Copy, StatusBadge, Text } from "@medusajs/ui"
import { useTranslation } from "react-i18next"
import { formatDate, formatDuration, formatMoney } from "../lib/format"
import type { PaymentView } from "../lib/types"

function statusOf(payment: PaymentView): { key: string; color: "green" | "orange" | "red" | "grey" } {
  const iamport = payment.iamport
  if (!iamport) {
    return { key: "ready", color: "grey" }
  }
  if (iamport.status === "cancelled") {
    // V1 shows "cancelled" for partial cancels too; fully cancelled is cancel_amount >= amount.
    return iamport.cancel_amount >= iamport.amount
      ? { key: "cancelled", color: "red" }
      : { key: "partially_cancelled", color: "orange" }
  }
  return {
    key: iamport.status,
    color: iamport.status === "paid" ? "green" : iamport.status === "failed" ? "red" : "grey",
  }
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="text-ui-fg-subtle grid grid-cols-2 items-center px-6 py-3">
      <Text size="small" weight="plus" leading="compact">
        {label}
      </Text>
      <div className="flex items-center gap-x-1">{children}</div>
    </div>
  )
}

export function PaymentSummary({ payment }: { payment: PaymentView }) {
  const { t, i18n } = useTranslation()
  const lang = i18n.language
  const iamport = payment.iamport
  const status = statusOf(payment)
  return (
    <div className="divide-y" data-testid="paymentwall-payment">
      <Row label={t("iamportPaymentwall.impUid")}>
        <Text size="small" leading="compact" className="font-mono">
          {payment.imp_uid ?? "-"}
        </Text>
        {payment.imp_uid && <Copy content={payment.imp_uid} className="text-ui-fg-muted" />}
        {payment.mode && (
          <Badge size="2xsmall" color={payment.mode === "test" ? "orange" : "green"}>
            {t(`iamportPaymentwall.${payment.mode}`)}
          </Badge>
        )}
      </Row>
      <Row label={t("iamportPaymentwall.status")}>
        <StatusBadge color={status.color} data-testid="paymentwall-iamport-status">
          {t(`iamportPaymentwall.paymentStatus.${status.key}`)}
        </StatusBadge>
      </Row>
      <Row label={t("iamportPaymentwall.amount")}>
        <Text size="small" leading="compact">
          {formatMoney(iamport?.amount ?? payment.amount, iamport?.currency ?? payment.currency_code, lang)}
        </Text>
      </Row>
      {iamport && iamport.cancel_amount > 0 && (
        <Row label={t("iamportPaymentwall.cancelled")}>
          <Text size="small" leading="compact">
            {formatMoney(iamport.cancel_amount, iamport.currency, lang)}
          </Text>
        </Row>
      )}
      {payment.free_to_refund && (
        <Row label={t("iamportPaymentwall.freeToRefund")}>
          <Text
            size="small"
            leading="compact"
            data-testid="paymentwall-free-to-refund"
            title={t("iamportPaymentwall.freeExplained", {
              left: formatMoney(payment.free_to_refund.left, payment.currency_code, lang),
              waiting: formatMoney(payment.free_to_refund.waiting, payment.currency_code, lang),
            })}
          >
            {formatMoney(payment.free_to_refund.free, payment.currency_code, lang)}
          </Text>
        </Row>
      )}
      <Row label={t("iamportPaymentwall.paidAt")}>
        <Text size="small" leading="compact">
          {formatDate(iamport?.paid_at || null, lang)}
        </Text>
      </Row>
      {iamport?.checked_at && (
        <Row label={t("iamportPaymentwall.snapshot")}>
          <Text
            size="small"
            leading="compact"
            data-testid="paymentwall-snapshot-age"
            title={formatDate(iamport.checked_at, lang)}
          >
            {payment.iamport_live
              ? t("iamportPaymentwall.snapshotLive")
              : t("iamportPaymentwall.snapshotAge", { duration: formatDuration(iamport.checked_at, null, lang) })}
          </Text>
        </Row>
      )}
      {iamport?.receipt_url && (
        <Row label={t("iamportPaymentwall.receipt")}>
          <a
            href={iamport.receipt_url}
            target="_blank"
            rel="noreferrer"
            className="text-ui-fg-interactive txt-compact-small"
          >
            {t("iamportPaymentwall.openReceipt")}
          </a>
        </Row>
      )}
      {payment.iamport_error && (
        <div className="px-6 py-3">
          <Text size="small" className="text-ui-fg-error">
            {t("iamportPaymentwall.liveError", { message: payment.iamport_error })}
          </Text>
        </div>
      )}
    </div>
  )
}
