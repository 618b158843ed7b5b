/**
 * The code's own style, so the formatter changes layout and not habits: no semicolons, double quotes, two spaces,
 * trailing commas where ES5 allows them (objects and arrays, not call arguments), parentheses around every arrow
 * parameter. 120 columns is the width the comments and documents already wrap at.
 * @type {import("prettier").Config}
 */
export default {
  printWidth: 120,
  semi: false,
  trailingComma: "es5",
}
