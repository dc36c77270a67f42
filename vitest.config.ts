import { defineConfig } from "vitest/config";

// Two projects (unit: pure and fast; integration: real SQL, HTTP through inject()).
// `npm run test:unit` / `npm run test:integration` select one; `npm test` runs both.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          environment: "node",
          // The thread machine's exhaustive walks over every reachable state take a few seconds,
          // and past vitest's 5 s default on a loaded two-core VM (CI ran them at 5.4 s and 7.8 s
          // once); a timeout is no speed check here, so they get room instead of flaking.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          environment: "node",
          setupFiles: ["test/helpers/deny-network.ts"],
          globalSetup: ["test/helpers/pglite-template.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
