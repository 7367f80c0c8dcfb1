"""What people see of grading: the console's progress and tables, the HTML report and CSV."""
