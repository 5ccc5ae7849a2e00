CREATE TABLE `github_connections` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`kind` text NOT NULL,
	`api_base_url` text NOT NULL,
	`web_url` text NOT NULL,
	`app_id` integer,
	`app_slug` text,
	`account` text,
	`private_key_enc` text,
	`webhook_secret_enc` text,
	`client_secret_enc` text,
	`token_enc` text,
	`token_hint` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `github_connections_user` ON `github_connections` (`user_id`);--> statement-breakpoint
CREATE TABLE `github_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`event` text NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `github_manifest_states` (
	`state` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`api_base_url` text NOT NULL,
	`web_url` text NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `github_token_cache` (
	`key` text PRIMARY KEY NOT NULL,
	`value_enc` text NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `pr_checks` (
	`pr_id` text NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`status` text NOT NULL,
	`conclusion` text,
	`url` text,
	`head_sha` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`pr_id`, `kind`, `name`),
	FOREIGN KEY (`pr_id`) REFERENCES `pull_requests`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `pull_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`task_id` text NOT NULL,
	`repo_id` text NOT NULL,
	`run_id` text NOT NULL,
	`number` integer NOT NULL,
	`url` text NOT NULL,
	`title` text NOT NULL,
	`branch` text NOT NULL,
	`base_branch` text NOT NULL,
	`head_sha` text NOT NULL,
	`state` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `pull_requests_task` ON `pull_requests` (`task_id`);--> statement-breakpoint
CREATE INDEX `pull_requests_repo_number` ON `pull_requests` (`repo_id`,`number`);--> statement-breakpoint
ALTER TABLE `repos` ADD `github_full_name` text;--> statement-breakpoint
ALTER TABLE `repos` ADD `github_installation_id` integer;--> statement-breakpoint
ALTER TABLE `repos` ADD `html_url` text;--> statement-breakpoint
CREATE INDEX `repos_github` ON `repos` (`github_full_name`);--> statement-breakpoint
ALTER TABLE `tasks` ADD `issue_number` integer;--> statement-breakpoint
ALTER TABLE `tasks` ADD `issue_url` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `issue_title` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `winner_run_id` text;