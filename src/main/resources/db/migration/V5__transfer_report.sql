-- compare_baseline: the job also trains a linear probe and a from-scratch baseline, and records
-- whether transfer helped. The report is written with the succeed transition.
ALTER TABLE fine_tuning_jobs ADD COLUMN compare_baseline boolean NOT NULL DEFAULT false;
ALTER TABLE fine_tuning_jobs ADD COLUMN transfer_report jsonb;

-- strategy "auto" on a pretrained base: the resolved hyperparameters of each candidate strategy
-- ({"feature_extraction": {...}, "partial": {...}}). The worker runs a short pilot of each, keeps
-- the better, writes it to strategy and hyperparameters, and clears this column.
ALTER TABLE fine_tuning_jobs ADD COLUMN strategy_candidates jsonb;
