-- AlterTable
ALTER TABLE "invoices" ADD COLUMN     "payment_processing" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "payment_methods" ADD COLUMN     "bank_code" TEXT,
ADD COLUMN     "country" CHAR(2),
ADD COLUMN     "payer_email" TEXT;
