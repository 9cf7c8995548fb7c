"""What a leader reads, built from a prepared run's cache: the department report and the district
summary (notebook sections), charts and tables, the action plan and the team roll-out page."""
