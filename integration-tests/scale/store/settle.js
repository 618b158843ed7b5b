/* The settlement job's body, run once in its own process (`medusa exec`): what the worker's every-15-minutes
 * iamport-paymentwall-settle-open-payments job does, without waiting for its schedule. Prints the result as JSON. */
const path = require("node:path")
const { settleOpenPayments } = require(
  path.resolve(__dirname, "../../../.medusa/server/src/workflows/settlement/utils/settle-open-payments")
)

exports.default = async function settle({ container }) {
  const result = await settleOpenPayments(container)
  console.log(`SETTLE_RESULT ${JSON.stringify(result)}`)
}
