import { describeStore } from "../helpers/runner"
import { adminRequestCases } from "./ledger/admin-requests.cases"
import { bookingCases } from "./ledger/bookings.cases"
import { claimCases } from "./ledger/claims.cases"
import { ledgerContext } from "./ledger/context"
import { rejectionCases } from "./ledger/rejections.cases"
import { returnedCases } from "./ledger/returned.cases"

/**
 * The ledger's contract (docs/design.md, ledger invariants): a forged notice frees nothing, a refused booking waits
 * instead of repeating, every cancel_history entry is booked once, and only a shop admin confirms a rejection.
 */
describeStore((suite) => {
  // One app boot for all of them: the cases live in ledger/, in the order they run, and share one beforeEach.
  const ctx = ledgerContext(suite)
  rejectionCases(ctx)
  returnedCases(ctx)
  adminRequestCases(ctx)
  bookingCases(ctx)
  claimCases(ctx)
})
