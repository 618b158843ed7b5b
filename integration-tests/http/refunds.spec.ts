import { describeStore } from "../helpers/runner"
import { adminRefundCases } from "./refunds/admin-refunds.cases"
import { refundsContext } from "./refunds/context"
import { failureCases } from "./refunds/failures.cases"
import { noticeCases } from "./refunds/notices.cases"
import { orderCancelCases } from "./refunds/order-cancels.cases"

describeStore((suite) => {
  // One app boot for all of them: the cases live in refunds/, in the order they run, and share one beforeEach.
  const ctx = refundsContext(suite)
  adminRefundCases(ctx)
  noticeCases(ctx)
  failureCases(ctx)
  orderCancelCases(ctx)
})
