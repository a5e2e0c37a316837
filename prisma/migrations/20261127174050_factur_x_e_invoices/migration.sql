-- AlterTable
ALTER TABLE "invoices" ADD COLUMN     "e_invoice" BYTEA,
ADD COLUMN     "e_invoice_sha256" CHAR(64);

-- The e-invoice is stored once (from NULL), like the PDF: the trigger now guards both.
CREATE OR REPLACE FUNCTION refuse_issued_invoice_change() RETURNS trigger LANGUAGE plpgsql AS $$
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
     OR (OLD.pdf_sha256 IS NOT NULL AND NEW.pdf_sha256 IS DISTINCT FROM OLD.pdf_sha256)
     OR (OLD.e_invoice IS NOT NULL AND NEW.e_invoice IS DISTINCT FROM OLD.e_invoice)
     OR (OLD.e_invoice_sha256 IS NOT NULL AND NEW.e_invoice_sha256 IS DISTINCT FROM OLD.e_invoice_sha256) THEN
    RAISE EXCEPTION 'invoice % is issued: its legal content cannot change', OLD.number USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
