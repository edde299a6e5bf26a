"""Due tasks and reminders: the panel, the reminder timer, notifications and the calendar export."""
