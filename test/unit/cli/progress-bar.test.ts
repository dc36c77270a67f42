import { describe, expect, it } from "vitest";
import { ProgressBar, renderBar } from "../../../src/cli/progress-bar.js";

describe("progress bar", () => {
  it("renders the share done", () => {
    expect(renderBar("invoices", 2_000, 5_000, 10)).toBe(
      "invoices   [####------]  40% 2,000/5,000",
    );
    expect(renderBar("customers", 0, 0, 4)).toBe("customers  [----]   0% 0/0");
    expect(renderBar("invoices", 7, 5, 4)).toBe("invoices   [####] 100% 7/5");
  });

  it("redraws in place on a terminal and writes lines otherwise, skipping repeats", () => {
    const tty: string[] = [];
    const bar = new ProgressBar({ write: (text) => void tty.push(text), isTTY: true });
    bar.update("invoices", 1, 2);
    bar.update("invoices", 1, 2);
    bar.update("invoices", 2, 2);
    bar.finish("done");
    expect(tty).toHaveLength(3);
    expect(tty[0]?.startsWith("\r")).toBe(true);
    expect(tty[2]?.endsWith("done\n")).toBe(true);

    const log: string[] = [];
    const plain = new ProgressBar({ write: (text) => void log.push(text) });
    plain.update("invoices", 1, 2);
    plain.finish("done");
    expect(log).toEqual([`${renderBar("invoices", 1, 2)}\n`, "done\n"]);
  });
});
