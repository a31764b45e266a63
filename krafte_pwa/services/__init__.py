"""Use cases: one public function per user action, one transaction each.

Each takes plain values, raises KrafteError, and commits as its last statement.
"""
