// The machine's template vocabulary lives in the domain ring (the ladder names templates too).
export {
  LANGUAGES,
  type Language,
  REMINDER_TEMPLATES,
  type ReminderTemplate,
  TEMPLATE_IDS,
  type TemplateId,
} from "../src/domain/template-ids.js";
