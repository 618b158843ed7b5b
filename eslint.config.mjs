// @ts-check
import path from "node:path"
import js from "@eslint/js"
import { defineConfig, includeIgnoreFile } from "eslint/config"
import prettier from "eslint-config-prettier/flat"
import globals from "globals"
import tseslint from "typescript-eslint"

/** TypeScript that a tsconfig of this repository compiles, so rules that need types can have them. */
const TYPED = ["src/**/*.{ts,tsx}", "integration-tests/**/*.ts"]

export default defineConfig(
  // What git ignores: installed packages, builds, and what the tests and the demo leave behind.
  includeIgnoreFile(path.join(import.meta.dirname, ".gitignore")),
  {
    linterOptions: { reportUnusedDisableDirectives: "error" },
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: TYPED,
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        // tsconfig.typecheck.json covers src/ but the admin, and integration-tests/; the admin has its own.
        project: ["./tsconfig.typecheck.json", "./src/admin/tsconfig.json"],
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    rules: {
      // A leading underscore marks a binding kept on purpose: a parameter an interface requires, a property taken out of
      // a rest spread.
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          caughtErrorsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_",
        },
      ],
      // Medusa's providers, module hooks and migrations, the sandbox's handler table and the tests' doubles implement
      // async interfaces; such a method stays async without an await so that a throw is a rejected promise, as callers
      // expect, rather than a synchronous one.
      "@typescript-eslint/require-await": "off",
    },
  },
  {
    // Tests read JSON (HTTP answers, the sandbox's, module rows) whose shape their assertions check at run time: `any`
    // there, and the member access, calls and assignments that follow from it, are allowed. Source has none of it.
    files: ["src/**/__tests__/**", "integration-tests/**"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  {
    // Node's scripts, the stores' configs and jest's: CommonJS, run by Node as they are.
    files: ["**/*.js"],
    languageOptions: { sourceType: "commonjs", globals: globals.node },
    rules: {
      // require() is how CommonJS imports.
      "@typescript-eslint/no-require-imports": "off",
    },
  },
  {
    // The demo's page: an ES module that esbuild bundles for the browser.
    files: ["demo/storefront/**/*.js"],
    languageOptions: { sourceType: "module", globals: globals.browser },
  },
  {
    // The starter storefront's pages: Next.js sources outside any tsconfig here (they compile inside the starter), so
    // only the rules that need no types.
    files: ["examples/**/*.{ts,tsx}"],
    languageOptions: { globals: globals.browser },
  },
  // Last, so no rule that only concerns layout fights Prettier.
  prettier
)
