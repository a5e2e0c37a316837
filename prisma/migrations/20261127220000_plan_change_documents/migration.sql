-- A credit for unused time names the provider invoice that billed that time: its credit note corrects ours.
ALTER TABLE "invoice_lines" ADD COLUMN "credits_provider_invoice" TEXT;

-- The credit notes split from a provider invoice's row follow it when the provider voids it.
ALTER TABLE "invoices" ADD COLUMN "split_from_id" UUID;

CREATE INDEX "invoices_split_from_id_idx" ON "invoices"("split_from_id");

ALTER TABLE "invoices" ADD CONSTRAINT "invoices_split_from_id_fkey" FOREIGN KEY ("split_from_id") REFERENCES "invoices"("id") ON DELETE SET NULL ON UPDATE CASCADE;
