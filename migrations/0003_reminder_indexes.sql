CREATE INDEX "invoices_open_updated_idx" ON "invoices" USING btree ("updated_at") WHERE "invoices"."status" = 'open';--> statement-breakpoint
CREATE INDEX "phones_e164_idx" ON "phones" USING btree ("e164");--> statement-breakpoint
CREATE INDEX "threads_customer_idx" ON "threads" USING btree ("customer_id");