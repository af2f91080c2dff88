-- Credential lifecycle: a platform admin disables a user (every session and token is
-- refused while disabled_at is set); the seeded administrator's default password is
-- remembered until it is changed (the web shows a banner meanwhile); sessions keep
-- where they were signed in from, for the signed-in user's list of sessions.
ALTER TABLE "users" ADD COLUMN "disabled_at" TIMESTAMPTZ(3);
ALTER TABLE "users" ADD COLUMN "has_default_password" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "sessions" ADD COLUMN "user_agent" TEXT NOT NULL DEFAULT '';
ALTER TABLE "sessions" ADD COLUMN "client_ip" TEXT;
