/**
 * Shell UI state shared by the top bar, the sidebar and the shortcuts: whether the task sidebar
 * is open on a narrow screen (it is always shown on a wide one) and whether the shortcut help is.
 */
import { signal } from '@preact/signals';

export const sidebarOpen = signal(false);
export const helpOpen = signal(false);
