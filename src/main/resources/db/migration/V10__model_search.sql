-- strategy "auto" is a budgeted search over configurations (issue 12). Its state lives here, as
-- the worker reports it: every candidate with the folds scored so far, the choice, the note. It is
-- also the search's checkpoint: a worker resuming the job skips every fold already scored. NULL for
-- a job with an explicit strategy.
ALTER TABLE fine_tuning_jobs ADD COLUMN search jsonb;

-- The pilots' candidate list that the search replaces.
ALTER TABLE fine_tuning_jobs DROP COLUMN strategy_candidates;
