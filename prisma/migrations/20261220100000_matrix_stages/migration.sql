-- Matrix fan-out: one stage run per combination, named "<stage>.<i>", belonging to its matrix stage.
ALTER TABLE "stage_runs" ADD COLUMN "matrix_of" TEXT,
ADD COLUMN "matrix" JSONB NOT NULL DEFAULT '[]';
