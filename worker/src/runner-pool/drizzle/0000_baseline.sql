CREATE TABLE `offers` (
	`run_id` text PRIMARY KEY NOT NULL,
	`task_id` text NOT NULL,
	`executor` text NOT NULL,
	`created_at` integer NOT NULL,
	`offered_to` text,
	`offered_at` integer,
	`claim_id` text,
	`assignment` integer,
	`rejected_by` text DEFAULT '[]' NOT NULL
);
