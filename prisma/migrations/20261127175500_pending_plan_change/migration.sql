-- AlterEnum
ALTER TYPE "BillingOperationKind" ADD VALUE 'UPDATE_BILLING_PROFILE';

-- AlterTable
ALTER TABLE "subscriptions" ADD COLUMN     "pending_expires_at" TIMESTAMPTZ(3),
ADD COLUMN     "pending_plan_id" TEXT,
ADD COLUMN     "pending_price_id" UUID,
ADD COLUMN     "pending_provider_invoice_id" TEXT;
