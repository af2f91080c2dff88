-- replayWebhookDelivery: a verified delivery keeps its JSON body (secrets and tokens
-- stripped, at most 256 KB, only the newest deliveries of an integration: the run
-- retention count), so it can be explained and replayed later.
ALTER TABLE "webhook_deliveries" ADD COLUMN "payload" JSONB;
