"""Helpers the tests share: import them from here, never from ``conftest`` or another test module."""
