/* The browser files with demo.spec.ts first: its first run builds the admin dashboard into demo/public/admin, which
 * admin-widget.spec.ts then copies (helpers/admin-build.ts, the same build options) rather than building the same
 * dashboard again (about a minute). The other files keep jest's order. */
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
