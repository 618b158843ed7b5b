export function formatMoney(amount: number, currency: string, language: string): string {
  try {
    return new Intl.NumberFormat(language, { style: "currency", currency: currency.toUpperCase() }).format(amount)
  } catch {
    return `${amount} ${currency.toUpperCase()}`
  }
}

export function formatDate(value: string | number | null, language: string): string {
  if (!value) {
    return "-"
  }
  const date = typeof value === "number" ? new Date(value * 1000) : new Date(value)
  return new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short" }).format(date)
}

/** "3 minutes", "2 hours": how long between two moments. */
export function formatDuration(from: string, to: string | null, language: string): string {
  const ms = Math.max(0, (to ? new Date(to).getTime() : Date.now()) - new Date(from).getTime())
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ["day", 86_400_000],
    ["hour", 3_600_000],
    ["minute", 60_000],
    ["second", 1000],
  ]
  const [unit, size] = units.find(([, size]) => ms >= size) ?? ["second", 1000]
  const value = Math.floor(ms / size)
  return new Intl.NumberFormat(language, { style: "unit", unit, unitDisplay: "long" }).format(value)
}
