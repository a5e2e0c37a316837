-- CreateEnum
CREATE TYPE "BillingOperationKind" AS ENUM ('SUBSCRIBE', 'CHANGE_PLAN', 'PAY_INVOICE', 'CANCEL_SUBSCRIPTION', 'RESUME_SUBSCRIPTION', 'SET_DEFAULT_PAYMENT_METHOD', 'REMOVE_PAYMENT_METHOD', 'START_PAYMENT_METHOD_SETUP', 'CLOSE_CUSTOMER', 'ORPHAN_ADOPTED', 'ORPHAN_CANCELLED');

-- CreateEnum
CREATE TYPE "BillingOperationStatus" AS ENUM ('STARTED', 'SUCCEEDED', 'FAILED');

-- AlterTable
ALTER TABLE "provider_events" ADD COLUMN     "failed_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "subscriptions" ADD COLUMN     "cancel_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "billing_operations" (
    "id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "kind" "BillingOperationKind" NOT NULL,
    "status" "BillingOperationStatus" NOT NULL DEFAULT 'STARTED',
    "provider_object_id" TEXT,
    "detail" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "billing_operations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "billing_operations_customer_id_kind_created_at_idx" ON "billing_operations"("customer_id", "kind", "created_at" DESC);

-- AddForeignKey
ALTER TABLE "billing_operations" ADD CONSTRAINT "billing_operations_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
