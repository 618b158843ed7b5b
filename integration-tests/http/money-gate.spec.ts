import { describeStore } from "../helpers/runner"
import { moneyGateContext } from "./money-gate/context"
import { outsideEntryCases } from "./money-gate/outside-entries.cases"
import { providerCases } from "./money-gate/provider.cases"
import { unclearApprovalCases } from "./money-gate/unclear-approvals.cases"
import { waitingRefundCases } from "./money-gate/waiting-refund.cases"

/**
 * The provider is the money gate (docs/design.md, ledger invariants): every way Medusa asks it for money back (a
 * store's own call of core's refund workflows, an order cancel, the admin) decides against what i'mport shows left
 * less what waits in Paymentwall tickets, before i'mport hears of it.
 */
describeStore((suite) => {
  // One app boot for all of them: the cases live in money-gate/, in the order they run, and share one beforeEach.
  const ctx = moneyGateContext(suite)
  providerCases(ctx)
  waitingRefundCases(ctx)
  unclearApprovalCases(ctx)
  outsideEntryCases(ctx)
})
