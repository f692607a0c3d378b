-- AlterTable
ALTER TABLE "commands" ADD COLUMN     "max_attempts" INTEGER NOT NULL DEFAULT 4,
ADD COLUMN     "answer_timeout_s" INTEGER NOT NULL DEFAULT 120;
