// A progress bar for long imports: redrawn in place on a terminal, one line per step in logs.

export interface ProgressSink {
  write(text: string): void;
  isTTY?: boolean;
}

export function renderBar(label: string, done: number, total: number, width = 30): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(ratio * width);
  const percent = String(Math.round(ratio * 100)).padStart(3);
  return `${label.padEnd(10)} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${percent}% ${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")}`;
}

export class ProgressBar {
  private lastLine = "";

  constructor(private readonly sink: ProgressSink) {}

  update(label: string, done: number, total: number): void {
    const line = renderBar(label, done, total);
    if (line === this.lastLine) {
      return;
    }
    this.lastLine = line;
    this.sink.write(this.sink.isTTY ? `\r${line}` : `${line}\n`);
  }

  finish(message: string): void {
    this.sink.write(
      this.sink.isTTY ? `\r${" ".repeat(this.lastLine.length)}\r${message}\n` : `${message}\n`,
    );
    this.lastLine = "";
  }
}
