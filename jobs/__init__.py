"""The clock's jobs: thin functions the scheduler calls, each callable from a test with a clock."""
