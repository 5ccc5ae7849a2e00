CREATE TABLE `events` (
	`seq` integer PRIMARY KEY NOT NULL,
	`run_id` text NOT NULL,
	`data` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `runs` (
	`run_id` text PRIMARY KEY NOT NULL,
	`spec` text NOT NULL,
	`status` text NOT NULL,
	`assignment` integer DEFAULT 0 NOT NULL,
	`runner_id` text,
	`retries` integer DEFAULT 0 NOT NULL,
	`last_frame` integer DEFAULT 0 NOT NULL,
	`lease_until` integer,
	`cancel_requested` integer DEFAULT false NOT NULL,
	`cancel_deadline` integer,
	`offer_retry_at` integer,
	`started_at` integer,
	`finished_at` integer,
	`error` text,
	`result` text,
	`result_message_id` text,
	`fail_reason` text,
	`first_token_at` integer,
	`no_runner_deadline` integer,
	`socket_gone_at` integer,
	`version` integer DEFAULT 1 NOT NULL,
	`synced_version` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL
);
