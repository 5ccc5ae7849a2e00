ALTER TABLE `runners` ADD `pending_credential_hash` text;--> statement-breakpoint
ALTER TABLE `runners` ADD `previous_credential_hash` text;--> statement-breakpoint
ALTER TABLE `runners` ADD `credential_taken_over_at` integer;--> statement-breakpoint
ALTER TABLE `runners` ADD `credential_conflict_at` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `runners_pending_credential` ON `runners` (`pending_credential_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `runners_previous_credential` ON `runners` (`previous_credential_hash`);