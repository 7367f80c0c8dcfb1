"""Unit tests of coursekit.grading, laid out as its packages are."""
