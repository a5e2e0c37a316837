-- CreateEnum
CREATE TYPE "VatNumberStatus" AS ENUM ('VERIFIED', 'UNVERIFIED', 'INVALID', 'NOT_CHECKED');

-- CreateEnum
CREATE TYPE "InvoiceKind" AS ENUM ('INVOICE', 'CREDIT_NOTE');

-- AlterTable
ALTER TABLE "customers" ADD COLUMN     "vat_number_checked_at" TIMESTAMPTZ(3),
ADD COLUMN     "vat_number_status" "VatNumberStatus" NOT NULL DEFAULT 'NOT_CHECKED';

-- AlterTable
ALTER TABLE "invoice_lines" ADD COLUMN     "vat_amount" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "invoices" ADD COLUMN     "corrects_invoice_id" UUID,
ADD COLUMN     "credit_reason" TEXT,
ADD COLUMN     "kind" "InvoiceKind" NOT NULL DEFAULT 'INVOICE',
ADD COLUMN     "pdf" BYTEA,
ADD COLUMN     "pdf_sha256" CHAR(64),
ADD COLUMN     "vat_decided_at" TIMESTAMPTZ(3),
ADD COLUMN     "vat_number_status" "VatNumberStatus" NOT NULL DEFAULT 'NOT_CHECKED',
ADD COLUMN     "vat_rate_country" CHAR(2),
ADD COLUMN     "vat_rate_day" CHAR(10);

-- AddForeignKey
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_corrects_invoice_id_fkey" FOREIGN KEY ("corrects_invoice_id") REFERENCES "invoices"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- An issued invoice or credit note is a legal record: its legal columns and lines never change and it is
-- never deleted. Only its payment state may move, and its PDF is stored once (from NULL).
CREATE FUNCTION refuse_issued_invoice_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.issued_at IS NULL THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'invoice % is issued: it cannot be deleted', OLD.number USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF (NEW.number, NEW.series, NEW.sequence, NEW.kind, NEW.corrects_invoice_id, NEW.credit_reason, NEW.customer_id,
      NEW.currency, NEW.subtotal, NEW.tax_amount, NEW.total, NEW.vat_rate_bps, NEW.vat_treatment, NEW.vat_mention,
      NEW.vat_rate_country, NEW.vat_number_status, NEW.vat_decided_at, NEW.vat_rate_day, NEW.seller_snapshot::text,
      NEW.buyer_snapshot::text, NEW.period_start, NEW.period_end, NEW.issued_at)
     IS DISTINCT FROM
     (OLD.number, OLD.series, OLD.sequence, OLD.kind, OLD.corrects_invoice_id, OLD.credit_reason, OLD.customer_id,
      OLD.currency, OLD.subtotal, OLD.tax_amount, OLD.total, OLD.vat_rate_bps, OLD.vat_treatment, OLD.vat_mention,
      OLD.vat_rate_country, OLD.vat_number_status, OLD.vat_decided_at, OLD.vat_rate_day, OLD.seller_snapshot::text,
      OLD.buyer_snapshot::text, OLD.period_start, OLD.period_end, OLD.issued_at)
     OR (OLD.pdf IS NOT NULL AND NEW.pdf IS DISTINCT FROM OLD.pdf)
     OR (OLD.pdf_sha256 IS NOT NULL AND NEW.pdf_sha256 IS DISTINCT FROM OLD.pdf_sha256) THEN
    RAISE EXCEPTION 'invoice % is issued: its legal content cannot change', OLD.number USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER invoices_issued_are_frozen BEFORE UPDATE OR DELETE ON "invoices"
  FOR EACH ROW EXECUTE FUNCTION refuse_issued_invoice_change();

-- Lines are written with their document in one transaction (the row's xmin is that transaction): once it
-- committed, they are frozen too.
CREATE FUNCTION refuse_issued_invoice_line_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM invoices WHERE id IN (OLD.invoice_id, NEW.invoice_id) AND issued_at IS NOT NULL
             AND xmin <> xid(pg_current_xact_id())) THEN
    RAISE EXCEPTION 'the lines of an issued invoice cannot change' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;

CREATE TRIGGER invoice_lines_issued_are_frozen BEFORE INSERT OR UPDATE OR DELETE ON "invoice_lines"
  FOR EACH ROW EXECUTE FUNCTION refuse_issued_invoice_line_change();
