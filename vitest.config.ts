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
