-- Notifications of approval stages that wait, besides those of finished runs.
ALTER TABLE "run_notifications" ADD COLUMN "event" TEXT NOT NULL DEFAULT 'workflowRun.finished',
ADD COLUMN "stage" TEXT NOT NULL DEFAULT '';

DROP INDEX "run_notifications_run_id_receiver_key";

CREATE UNIQUE INDEX "run_notifications_run_id_receiver_event_stage_key" ON "run_notifications"("run_id", "receiver", "event", "stage");
