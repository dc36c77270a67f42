import { Command } from "commander";
import { registerClassifyCommand } from "./classify-command.js";
import { registerMigrateCommand } from "./migrate-command.js";
import { registerSyncCommand } from "./sync-command.js";

const program = new Command()
  .name("duetext")
  .description("duetext: two-way SMS payment reminders for QuickBooks Online invoices.")
  .showHelpAfterError()
  .addHelpText(
    "after",
    "\nConfiguration comes from environment variables; see .env.example for every key.",
  );

registerMigrateCommand(program);
registerSyncCommand(program);
registerClassifyCommand(program);

await program.parseAsync(process.argv);
