CREATE TABLE `github_allowed_logins` (
	`user_id` text NOT NULL,
	`login_key` text NOT NULL,
	`login` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `login_key`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `github_refused_commenters` (
	`pr_id` text NOT NULL,
	`login_key` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`pr_id`, `login_key`),
	FOREIGN KEY (`pr_id`) REFERENCES `pull_requests`(`id`) ON UPDATE no action ON DELETE cascade
);
