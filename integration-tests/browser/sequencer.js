/* The browser files with demo.spec.ts first: its first run builds the admin dashboard into demo/public/admin, which
 * the DTC starter's demo store then finds fresh and the admin widget's store copies (helpers/admin-build.ts), rather
 * than each building the same dashboard again (about a minute each). The other files keep jest's order. */
const Sequencer = require("@jest/test-sequencer").default

const FIRST = "demo.spec.ts"

class BrowserSequencer extends Sequencer {
  async sort(tests) {
    const sorted = [...(await super.sort(tests))]
    const first = sorted.findIndex((test) => test.path.endsWith(`/${FIRST}`))
    return first > 0 ? [sorted[first], ...sorted.slice(0, first), ...sorted.slice(first + 1)] : sorted
  }
}

module.exports = BrowserSequencer
