-- AlterEnum
ALTER TYPE "EntitlementBasis" ADD VALUE 'GRANTED';

-- AlterTable
ALTER TABLE "customers" ADD COLUMN     "grace_extended_until" TIMESTAMPTZ(3),
ADD COLUMN     "granted_plan_id" TEXT,
ADD COLUMN     "granted_until" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "customers_granted_until_idx" ON "customers"("granted_until");
